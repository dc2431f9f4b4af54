import Foundation

/// Where this executable lives, from the kernel (`/proc/self/exe`), never from `argv[0]`:
/// a tool started by bare name from PATH has `argv[0]` "ncp-report", which would make the
/// current directory its folder and run whatever `./ncp-fetch` is there.
public enum ToolLocation {
    public static func ownExecutable() throws -> String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let length = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard length > 0 else {
            throw Failure(.software, "cannot find this executable's folder (/proc/self/exe: \(String(cString: strerror(errno)))); give --bin-dir")
        }
        return String(decoding: buffer.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The folder the other tools were installed in beside this one.
    public static func ownFolder() throws -> String {
        (try ownExecutable() as NSString).deletingLastPathComponent
    }
}
