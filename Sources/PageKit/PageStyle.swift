/// The pages' one style sheet, inline in each page: system fonts (Korean ones named), no web
/// font, no image, no URL; and a print style that gives clean A4 pages.
enum PageStyle {
    static let css: StaticString = """
    :root{color-scheme:light}
    *{box-sizing:border-box}
    html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
    body{margin:0;background:#eef1f5;color:#1f2933;font:14px/1.5 system-ui,-apple-system,"Segoe UI","Apple SD Gothic Neo","Malgun Gothic","Noto Sans KR","Noto Sans CJK KR","Nanum Gothic",Roboto,"Helvetica Neue",Arial,sans-serif;word-break:keep-all;overflow-wrap:break-word}
    .page{max-width:1180px;margin:24px auto;padding:32px 40px;background:#fff;border:1px solid #d9dee4;border-radius:6px}
    .page-header{border-bottom:2px solid #1f2933;padding-bottom:14px;margin-bottom:18px}
    .eyebrow{font-size:12px;letter-spacing:.06em;text-transform:uppercase;color:#52606d;font-weight:600}
    h1{font-size:26px;margin:2px 0 10px;line-height:1.25;overflow-wrap:anywhere}
    .meta{display:flex;flex-wrap:wrap;gap:4px 28px;margin:0;font-size:13px}
    .meta div{display:flex;gap:8px}
    .meta dt{color:#616e7c}
    .meta dd{margin:0;font-weight:600}
    .banner{border:1px solid;border-left-width:5px;border-radius:4px;padding:10px 14px;margin:0 0 18px}
    .banner strong{margin-right:8px}
    .banner.complete{border-color:#067647;background:#ecfdf3}
    .banner.incomplete{border-color:#b54708;background:#fffaeb}
    .banner ul{margin:6px 0 0;padding-left:20px;font-size:13px}
    .cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(120px,1fr));gap:12px}
    .card{display:block;border:1px solid #d9dee4;border-radius:6px;padding:12px 14px;color:inherit;text-decoration:none}
    .card .label{font-size:12px;color:#52606d;font-weight:600}
    .card .value{font-size:22px;font-weight:700;font-variant-numeric:tabular-nums;margin-top:2px;white-space:nowrap}
    .card .sub{font-size:12px;color:#52606d}
    .section{margin-top:30px}
    h2{font-size:18px;margin:0 0 10px;padding-bottom:4px;border-bottom:1px solid #d9dee4}
    h2 .count{font-weight:400;color:#616e7c;font-size:14px;margin-left:6px}
    h3{font-size:15px;margin:20px 0 8px}
    table{width:100%;border-collapse:collapse;font-size:13px}
    th,td{padding:5px 8px;border-bottom:1px solid #e4e7eb;text-align:left;vertical-align:top}
    thead th{background:#f5f7fa;border-bottom:1.5px solid #9aa5b1;font-size:12px;color:#323f4b;vertical-align:bottom}
    thead th.group{border-bottom:1px solid #cbd2d9;text-align:center}
    tfoot td{font-weight:700;border-top:1.5px solid #9aa5b1;border-bottom:none}
    tbody tr:nth-child(even) td{background:#fafbfc}
    th.num,td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
    .sub{display:block;font-size:11px;font-weight:400;color:#616e7c}
    td.num .sub{white-space:normal}
    .id{display:block;font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"D2Coding",monospace;font-size:11px;color:#616e7c;word-break:break-all}
    .name{font-weight:600;overflow-wrap:anywhere}
    .spec{font-size:12px;overflow-wrap:anywhere}
    .warn{color:#b42318;font-weight:700}
    .nodata{color:#7b8794;font-style:italic}
    .badge{display:inline-block;padding:0 7px;border-radius:9px;font-size:11px;font-weight:600;border:1px solid;white-space:nowrap}
    .badge.ok,.badge.added{color:#067647;border-color:#abefc6;background:#ecfdf3}
    .badge.off,.badge.sev2{color:#b54708;border-color:#fedf89;background:#fffaeb}
    .badge.sev3{color:#b42318;border-color:#fecdca;background:#fef3f2}
    .badge.sev1,.badge.removed{color:#364152;border-color:#cdd5df;background:#f8fafc}
    .up{color:#b42318}
    .down{color:#067647}
    .flat{color:#616e7c}
    td.chart{width:132px;padding-top:3px;padding-bottom:1px}
    svg{display:block;max-width:100%;height:auto}
    .chart-box{margin:4px 0 14px}
    .note{font-size:12px;color:#616e7c;margin:6px 0 0}
    .flagcounts{font-size:12px;color:#3e4c59}
    .page-footer{margin-top:34px;padding-top:12px;border-top:2px solid #1f2933;font-size:12px;color:#3e4c59}
    .page-footer h2{font-size:13px;border:none;margin:0 0 4px;padding:0}
    .page-footer ul{margin:0 0 8px;padding-left:18px}
    .page-footer p{margin:4px 0}
    a{color:#1f5fbf}
    @media screen and (max-width:760px){.page{margin:0;padding:18px;border:none;border-radius:0}}
    @page{size:A4;margin:14mm}
    @media print{
    body{background:none;font-size:9.5pt}
    .page{max-width:none;margin:0;padding:0;border:none;border-radius:0}
    *,*::before,*::after{background:transparent !important;box-shadow:none !important}
    h1{font-size:18pt}
    h2{font-size:12.5pt}
    table{font-size:8pt}
    th,td{padding:3px 5px}
    .card .value{font-size:12pt}
    .card{padding:8px 10px}
    thead{display:table-header-group}
    tfoot{display:table-row-group}
    tr,.card,.banner,.chart-box,svg{break-inside:avoid;page-break-inside:avoid}
    h2,h3{break-after:avoid;page-break-after:avoid}
    td.chart{width:96px}
    a{color:inherit;text-decoration:none}
    }
    """
}
