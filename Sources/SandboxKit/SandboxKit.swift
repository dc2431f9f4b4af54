// The NCP stand-in lives here (see cloud-sandbox).
import ReportKit
