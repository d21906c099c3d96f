// The settings of replays, switches and retirement (kappad's [reprocessing] table).
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>

namespace kappa::reprocessing {

struct ReprocessingOptions
{
    // The lag (seconds) each live pipeline must stay under; replays back off
    // when a live job reaches half of it.
    std::map<std::string, double> sloSeconds = {{"user_features", 2.0},
                                                {"fraud", 2.0},
                                                {"business_metrics", 60.0}};
    double rateMultiple = 5.0; // default k
    double maxRate = 0;        // default cap, events/s; 0: none
    double minRate = 1000;     // default floor, events/s
    // A replay is caught up when its lag stays under max(caughtUpRecords, one
    // second of ingest) for caughtUpHold.
    std::int64_t caughtUpRecords = 1000;
    std::chrono::milliseconds caughtUpHold{10'000};
    std::chrono::milliseconds approvalTtl{3'600'000};    // a switch request must be approved within this
    bool fourEyes = true;                                // the approver may not be the launcher or requester
    std::chrono::milliseconds rollbackWindow{3'600'000}; // the old version stays warm this long
    std::chrono::milliseconds retention{86'400'000}; // a retired version's views and state are kept this long
};

} // namespace kappa::reprocessing
