#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace vcb::integration {

// Sum of all samples of `name` (any labels) in a Prometheus text exposition, or nullopt if the
// metric is absent.
std::optional<double> metricValue(std::string_view exposition, std::string_view name);

}  // namespace vcb::integration
