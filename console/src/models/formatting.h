// How the console writes sizes and times, shared by every model.
#pragma once

#include <QString>

namespace kappa::console {

// "512 bytes", "1.5 KiB", "3.2 MiB", in the locale's number format.
QString formatBytes(qint64 bytes);
// "2026-11-27 08:15:02" in local time, for wall times in ms since the epoch;
// an em dash for 0 (kappad's "not yet", e.g. an undecided switch).
QString formatWallTime(qint64 ms);

} // namespace kappa::console
