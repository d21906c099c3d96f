// The key hash that picks a partition. It is Kafka's default partitioner hash
// (32-bit MurmurHash2, seed 0x9747b28c, sign bit masked), so a key lands on the
// same partition in the embedded log and on a Kafka topic with as many partitions.
#pragma once

#include <cstdint>
#include <string_view>

namespace kappa::base {

std::uint32_t murmur2(std::string_view key);

// Partition index in [0, partitionCount) for a key.
inline std::int32_t partitionForKey(std::string_view key, std::int32_t partitionCount)
{
    return static_cast<std::int32_t>((murmur2(key) & 0x7fffffffu)
                                     % static_cast<std::uint32_t>(partitionCount));
}

} // namespace kappa::base
