#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Seconds since 1970, for the run id (the uptime clock alone repeats after a reboot).
func wallClockSeconds() -> Int {
    Int(time(nil))
}
