// Turns librdkafka error codes into kappa::Status, the only place that knows
// which Kafka errors mean what to the engine.
#pragma once

#include "kappa/status.h"

#include <librdkafka/rdkafka.h>

#include <string>
#include <string_view>

namespace kappa::kafka {

// "NAME (description)", e.g. "_MSG_TIMED_OUT (Local: Message timed out)".
std::string describeError(rd_kafka_resp_err_t err);

// A failed Status for err with `context` in front ("append to t[3]: ...").
// Unavailable for timeouts, transport and retriable errors; NotFound for an
// unknown topic or partition; OutOfRange for offsets the broker does not hold;
// InvalidArgument for records or requests the broker rejects as invalid;
// ResourceExhausted for full local queues; FailedPrecondition for failed
// authentication or authorization; Internal for everything else.
Status errorStatus(rd_kafka_resp_err_t err, std::string_view context);

} // namespace kappa::kafka
