import Foundation
import ReportKit

/// Everything a page says, in Korean and English. Data (names, ids, regions, NCP's codes and
/// messages) is shown as it is; only the page's own words are translated.
struct PageText: Sendable {
    let language: ReportLanguage
    var ko: Bool { language == .ko }

    init(_ language: ReportLanguage) { self.language = language }

    // The page
    var reportTitle: String { ko ? "NCP 운영 리포트" : "NCP operations report" }
    var overviewTitle: String { ko ? "전체 고객 현황" : "All customers" }
    var overviewEyebrow: String { ko ? "MSP 통합 리포트" : "MSP overview" }
    var period: String { ko ? "기간" : "Period" }
    var comparedWith: String { ko ? "비교 기간" : "Compared with" }
    var noPreviousPeriod: String { ko ? "없음" : "none" }
    var generated: String { ko ? "생성 시각" : "Generated" }
    var noData: String { ko ? "데이터 없음" : "no data" }
    var none: String { ko ? "없음" : "none" }
    var total: String { ko ? "합계" : "Total" }
    var customer: String { ko ? "고객" : "Customer" }

    // The collection banner
    var complete: String { ko ? "수집 완료" : "Complete" }
    var incomplete: String { ko ? "수집 불완전" : "Incomplete" }
    var unknown: String { ko ? "수집 상태 모름" : "Status unknown" }
    var unknownDetail: String {
        ko ? "이 고객을 수집하고 끝까지 마친 실행의 결과 레코드가 없어 모든 항목을 수집했는지 확인할 수 없습니다."
            : "No outcome records of a finished run were found for this customer, so this page cannot say that everything was collected."
    }
    var completeDetail: String { ko ? "이번 실행에서 계획된 모든 항목을 수집했습니다." : "Every planned item was collected in this run." }
    func incompleteDetail(_ count: Int) -> String {
        ko ? "\(PageFormat.integer(count))개 항목을 수집하지 못했습니다. 이 리포트에는 해당 데이터가 빠져 있습니다."
           : "\(PageFormat.integer(count)) \(count == 1 ? "item was" : "items were") not collected. This report is missing that data."
    }
    func andMore(_ count: Int) -> String { ko ? "외 \(PageFormat.integer(count))개 (아래 ‘수집하지 못한 항목’ 참고)" : "and \(PageFormat.integer(count)) more (see ‘Not collected’ below)" }
    var nothingCollected: String { ko ? "이 기간에 수집된 데이터가 없습니다." : "Nothing was collected for this period." }

    // Summary cards
    var resources: String { ko ? "리소스" : "Resources" }
    var servers: String { ko ? "서버" : "Servers" }
    var flags: String { ko ? "조치 필요" : "Flags" }
    var cost: String { ko ? "비용" : "Cost" }
    func kinds(_ count: Int) -> String { ko ? "\(PageFormat.integer(count))개 유형" : "\(PageFormat.integer(count)) \(count == 1 ? "kind" : "kinds")" }
    func addedRemoved(_ added: Int, _ removed: Int) -> String {
        ko ? "추가 \(PageFormat.integer(added)) · 삭제 \(PageFormat.integer(removed))" : "\(PageFormat.integer(added)) added · \(PageFormat.integer(removed)) removed"
    }
    func runningStopped(_ running: Int, _ other: Int) -> String {
        ko ? "운영 중 \(PageFormat.integer(running)) · 그 외 \(PageFormat.integer(other))" : "\(PageFormat.integer(running)) running · \(PageFormat.integer(other)) not"
    }
    var notCollectedShort: String { ko ? "미수집" : "not collected" }
    var vsPrevious: String { ko ? "이전 기간 대비" : "vs previous period" }

    // Sections
    var inventory: String { ko ? "인벤토리" : "Inventory" }
    var inventoryByKind: String { ko ? "유형별 리소스 수" : "Resources by kind" }
    var kind: String { ko ? "유형" : "Kind" }
    var platform: String { ko ? "플랫폼" : "Platform" }
    var region: String { ko ? "리전" : "Region" }
    var count: String { ko ? "개수" : "Count" }
    func changesSince(_ previous: String) -> String { ko ? "\(previous) 대비 변경 사항" : "Changes since \(previous)" }
    var changes: String { ko ? "변경 사항" : "Changes" }
    var noComparison: String { ko ? "이전 기간의 파일이 없어 변경 사항을 비교하지 않았습니다." : "No files from a previous period, so changes were not compared." }
    var noChanges: String { ko ? "이전 기간 대비 추가되거나 삭제된 리소스가 없습니다." : "No resources were added or removed since the previous period." }
    var change: String { ko ? "변경" : "Change" }
    var added: String { ko ? "추가" : "Added" }
    var removed: String { ko ? "삭제" : "Removed" }
    var name: String { ko ? "이름" : "Name" }
    var id: String { "ID" }
    var noResources: String { ko ? "수집된 리소스가 없습니다." : "No resources were collected." }

    var spec: String { ko ? "사양" : "Spec" }
    var status: String { ko ? "상태" : "Status" }
    var cpu: String { "CPU" }
    var memory: String { ko ? "메모리" : "Memory" }
    var fileSystem: String { ko ? "파일 시스템" : "File system" }
    var average: String { ko ? "평균" : "Avg" }
    var maximum: String { ko ? "최대" : "Max" }
    var dailyCPU: String { ko ? "일별 CPU" : "Daily CPU" }
    var noServers: String { ko ? "서버가 없습니다." : "No servers." }
    func vcpu(_ count: Int) -> String { "\(PageFormat.integer(count)) vCPU" }
    func sparklineTitle(_ name: String, from: String, to: String) -> String {
        ko ? "\(name): 일별 평균 CPU 사용률, \(from)–\(to)" : "\(name): daily average CPU use, \(from)–\(to)"
    }
    var serverMetricsNote: String {
        ko ? "사용률은 기간 중 일별 평균의 평균과 최고값입니다. 차트는 일별 평균 CPU 사용률(0–100%)이며, 끊긴 구간은 데이터가 없는 날입니다."
           : "Use is the mean of the daily averages and the highest peak over the period. The chart is daily average CPU use (0–100%); gaps are days without data."
    }

    var flagsSection: String { ko ? "조치 필요 항목" : "Flags" }
    var severity: String { ko ? "심각도" : "Severity" }
    var flag: String { ko ? "항목" : "Flag" }
    var resource: String { ko ? "리소스" : "Resource" }
    var reason: String { ko ? "근거" : "Reason" }
    var noFlags: String { ko ? "조치가 필요한 항목이 없습니다." : "Nothing to act on." }

    var databases: String { "Cloud DB" }
    var version: String { ko ? "버전" : "Version" }
    var nodes: String { ko ? "노드" : "Nodes" }
    var noDatabases: String { ko ? "Cloud DB 인스턴스가 없습니다." : "No Cloud DB instances." }

    var nas: String { ko ? "NAS 볼륨" : "NAS volumes" }
    var size: String { ko ? "크기" : "Size" }
    var peakUse: String { ko ? "최대 사용률" : "Peak use" }
    var noNAS: String { ko ? "NAS 볼륨이 없습니다." : "No NAS volumes." }

    var billing: String { ko ? "비용" : "Billing" }
    var thisPeriod: String { ko ? "이번 기간" : "This period" }
    var previousPeriod: String { ko ? "이전 기간" : "Previous period" }
    var costNotCollected: String { ko ? "이번 기간의 청구 금액을 수집하지 못했거나 수집 대상이 아닙니다." : "The bill was not collected for this period." }
    var costNote: String { ko ? "청구 금액은 부가세 포함입니다." : "Amounts include VAT." }

    var notCollected: String { ko ? "수집하지 못한 항목" : "Not collected" }
    var step: String { ko ? "단계" : "Step" }
    var error: String { ko ? "오류" : "Error" }
    var allCollected: String { ko ? "모든 항목을 수집했습니다." : "Everything was collected." }

    // Overview
    var customers: String { ko ? "고객" : "Customers" }
    var collection: String { ko ? "수집 상태" : "Collection" }
    var flagsByKind: String { ko ? "유형별 조치 필요 항목" : "Flags by kind" }
    func missingItems(_ count: Int) -> String { ko ? "미수집 \(PageFormat.integer(count))건" : "\(PageFormat.integer(count)) not collected" }
    func incompleteCustomers(_ count: Int, of total: Int) -> String {
        ko ? "고객 \(PageFormat.integer(total))곳 중 \(PageFormat.integer(count))곳의 수집이 불완전합니다. 해당 고객의 리포트에는 빠진 데이터가 있습니다."
           : "\(PageFormat.integer(count)) of \(PageFormat.integer(total)) customers were not collected completely; their pages are missing data."
    }
    func allCustomersComplete(_ total: Int) -> String {
        ko ? "고객 \(PageFormat.integer(total))곳 모두 수집을 완료했습니다." : "All \(PageFormat.integer(total)) customers were collected completely."
    }
    func billedCustomers(_ count: Int, of total: Int) -> String {
        ko ? "고객 \(PageFormat.integer(total))곳 중 \(PageFormat.integer(count))곳의 비용" : "bills of \(PageFormat.integer(count)) of \(PageFormat.integer(total)) customers"
    }
    var noCustomers: String { ko ? "고객이 없습니다." : "No customers." }
    var overviewOrder: String { ko ? "수집이 불완전한 고객, 심각한 항목이 많은 고객 순입니다." : "Customers whose collection is incomplete come first, then those with the most serious flags." }

    // Footer
    var thresholds: String { ko ? "적용 기준" : "Thresholds in force" }
    func idleRule(_ t: Thresholds) -> String {
        ko ? "유휴: 평균 CPU < \(PageFormat.threshold(t.idleAverageCPU)), 최대 CPU < \(PageFormat.threshold(t.idlePeakCPU))"
           : "Idle: average CPU < \(PageFormat.threshold(t.idleAverageCPU)) and peak CPU < \(PageFormat.threshold(t.idlePeakCPU))"
    }
    func hotRule(_ t: Thresholds) -> String { ko ? "CPU 과부하: 최대 CPU ≥ \(PageFormat.threshold(t.hotPeakCPU))" : "Hot CPU: peak CPU ≥ \(PageFormat.threshold(t.hotPeakCPU))" }
    func fsRule(_ t: Thresholds) -> String {
        ko ? "파일 시스템 포화: 최대 사용률 ≥ \(PageFormat.threshold(t.fileSystemFull))" : "File system near full: peak use ≥ \(PageFormat.threshold(t.fileSystemFull))"
    }
    func nasRule(_ t: Thresholds) -> String { ko ? "NAS 포화: 최대 사용률 ≥ \(PageFormat.threshold(t.nasFull))" : "NAS near full: peak use ≥ \(PageFormat.threshold(t.nasFull))" }
    /// The units and the time zone a page's numbers and times are in.
    func units(zone: TimeZone, abbreviation: String) -> String {
        let zoneName = zone.identifier == "Asia/Seoul" ? (ko ? "한국 표준시(KST)" : "Korea Standard Time (KST)") : abbreviation
        return ko ? "용량 단위: 1 GB = 1024³ 바이트, 1 TB = 1024⁴ 바이트 (NCP 콘솔 표기와 같음). 시각은 \(zoneName) 기준입니다."
                  : "Sizes: 1 GB = 1024³ bytes and 1 TB = 1024⁴ bytes, labelled as NCP's console labels them. Times are in \(zoneName)."
    }

    // Flags
    func severityName(_ severity: Int) -> String {
        switch severity {
        case 3...: return ko ? "높음" : "High"
        case 2: return ko ? "중간" : "Medium"
        default: return ko ? "낮음" : "Low"
        }
    }

    func flagName(_ kind: Flag.Kind) -> String {
        switch kind {
        case .hotCPU: return ko ? "CPU 과부하" : "Hot CPU"
        case .fileSystemFull: return ko ? "파일 시스템 포화" : "File system near full"
        case .nasNearFull: return ko ? "NAS 포화" : "NAS near full"
        case .stopped: return ko ? "정지된 서버" : "Stopped server"
        case .idle: return ko ? "유휴 서버" : "Idle server"
        case .unattachedIP: return ko ? "미연결 공인 IP" : "Unattached public IP"
        case .unattachedVolume: return ko ? "미연결 스토리지" : "Unattached volume"
        }
    }

    /// Why it was flagged, with the threshold, and what to do about it.
    func flagReason(_ flag: Flag, thresholds t: Thresholds, status: String?) -> String {
        let value = flag.value.map(PageFormat.percent) ?? "–"
        switch flag.kind {
        case .hotCPU:
            return ko ? "최대 CPU \(value) (기준 ≥ \(PageFormat.threshold(t.hotPeakCPU)))" : "Peak CPU \(value) (threshold ≥ \(PageFormat.threshold(t.hotPeakCPU)))"
        case .fileSystemFull:
            return ko ? "파일 시스템 최대 사용률 \(value) (기준 ≥ \(PageFormat.threshold(t.fileSystemFull)))"
                      : "File system peak use \(value) (threshold ≥ \(PageFormat.threshold(t.fileSystemFull)))"
        case .nasNearFull:
            return ko ? "최대 사용률 \(value) (기준 ≥ \(PageFormat.threshold(t.nasFull)))" : "Peak use \(value) (threshold ≥ \(PageFormat.threshold(t.nasFull)))"
        case .stopped:
            let shown = status.map { ko ? " (상태: \($0))" : " (status: \($0))" } ?? ""
            return ko ? "실행 중이 아님\(shown)" : "Not running\(shown)"
        case .idle:
            return ko ? "평균 CPU \(value) (기준 < \(PageFormat.threshold(t.idleAverageCPU)), 최대 < \(PageFormat.threshold(t.idlePeakCPU)))"
                      : "Average CPU \(value) (threshold < \(PageFormat.threshold(t.idleAverageCPU)), peak < \(PageFormat.threshold(t.idlePeakCPU)))"
        case .unattachedIP, .unattachedVolume:
            return ko ? "어느 서버에도 연결되어 있지 않음" : "Attached to no server"
        }
    }

    func flagAction(_ kind: Flag.Kind) -> String {
        switch kind {
        case .hotCPU: return ko ? "사양 상향 또는 부하 분산을 검토하세요." : "Consider a larger spec or spreading the load."
        case .fileSystemFull: return ko ? "디스크 정리 또는 증설이 필요합니다." : "Clean up or extend the disk."
        case .nasNearFull: return ko ? "볼륨 증설 또는 정리가 필요합니다." : "Extend or clean up the volume."
        case .stopped: return ko ? "정지 중에도 스토리지와 IP 비용이 발생합니다. 반납 여부를 확인하세요." : "Stopped servers still cost their storage and IPs; confirm whether it can be returned."
        case .idle: return ko ? "사양 하향 또는 반납을 검토하세요." : "Consider a smaller spec or returning it."
        case .unattachedIP: return ko ? "사용하지 않으면 반납하세요." : "Return it if unused."
        case .unattachedVolume: return ko ? "사용하지 않으면 스냅샷 후 반납하세요." : "Snapshot and return it if unused."
        }
    }

    /// Short names for the overview's compact flag column.
    func flagShort(_ kind: Flag.Kind) -> String {
        switch kind {
        case .hotCPU: return ko ? "CPU 과부하" : "hot CPU"
        case .fileSystemFull: return ko ? "FS 포화" : "FS full"
        case .nasNearFull: return ko ? "NAS 포화" : "NAS full"
        case .stopped: return ko ? "정지" : "stopped"
        case .idle: return ko ? "유휴" : "idle"
        case .unattachedIP: return ko ? "미연결 IP" : "loose IP"
        case .unattachedVolume: return ko ? "미연결 볼륨" : "loose volume"
        }
    }

    func missingStatus(_ status: String) -> String { language.status(status) }

    /// A section with nothing in it because its list was not collected: unknown, not none.
    func notCollectedHere(_ statuses: [String]) -> String {
        let what = statuses.map(missingStatus).joined(separator: ", ")
        return ko ? "이번 기간에 수집하지 못했습니다(\(what)). 없는 것이 아니라 알 수 없습니다."
            : "Not collected this period (\(what)): unknown, not none."
    }

    /// NCP's server status as people read it: the code's Korean name where known, else NCP's name.
    func serverStatus(_ row: ServerRow) -> String {
        if ko, let name = ["RUN": "운영 중", "NSTOP": "정지", "FSTOP": "정지", "INIT": "초기화 중", "CREAT": "생성 중",
                           "BOOT": "부팅 중", "TERMT": "반납 중", "REPAIR": "점검 중", "SETUP": "설정 중", "COPY": "복사 중"][row.status] {
            return name
        }
        if !row.statusName.isEmpty { return row.statusName }
        return row.status.isEmpty ? "–" : row.status
    }

    /// The catalog's resource names, in words where common.
    func kindName(_ kind: String) -> String {
        let names: [String: (String, String)] = [
            "server": ("서버", "Servers"),
            "block-storage": ("블록 스토리지", "Block storage"),
            "public-ip": ("공인 IP", "Public IPs"),
            "nas-volume": ("NAS 볼륨", "NAS volumes"),
            "load-balancer": ("로드밸런서", "Load balancers"),
            "vpc": ("VPC", "VPCs"),
            "subnet": ("서브넷", "Subnets"),
            "acg": ("ACG", "ACGs"),
            "nat-gateway": ("NAT 게이트웨이", "NAT gateways"),
            "network-interface": ("네트워크 인터페이스", "Network interfaces"),
            "block-storage-snapshot": ("스토리지 스냅샷", "Storage snapshots"),
            "member-server-image": ("내 서버 이미지", "Server images"),
            "auto-scaling-group": ("Auto Scaling 그룹", "Auto Scaling groups"),
            "target-group": ("타깃 그룹", "Target groups"),
            "nks-cluster": ("Kubernetes 클러스터", "Kubernetes clusters"),
            "mysql": ("Cloud DB for MySQL", "Cloud DB for MySQL"),
            "postgresql": ("Cloud DB for PostgreSQL", "Cloud DB for PostgreSQL"),
            "mssql": ("Cloud DB for MSSQL", "Cloud DB for MSSQL"),
            "redis": ("Cloud DB for Redis", "Cloud DB for Redis"),
            "mongodb": ("Cloud DB for MongoDB", "Cloud DB for MongoDB"),
            "cloud-db": ("Cloud DB (Classic)", "Cloud DB (Classic)"),
        ]
        guard let pair = names[kind] else { return kind }
        return ko ? pair.0 : pair.1
    }

    func databaseKind(_ kind: String) -> String {
        ["mysql": "MySQL", "postgresql": "PostgreSQL", "mssql": "MSSQL", "redis": "Redis", "mongodb": "MongoDB",
         "cloud-db": "Cloud DB (Classic)"][kind] ?? kind
    }
}
