#include "tests/integration/Metrics.hpp"

#include <cstdlib>
#include <string>

namespace vcb::integration {

std::optional<double> metricValue(std::string_view exposition, std::string_view name) {
    std::optional<double> sum;
    std::size_t pos = 0;
    while (pos < exposition.size()) {
        std::size_t end = exposition.find('\n', pos);
        if (end == std::string_view::npos) end = exposition.size();
        std::string_view line = exposition.substr(pos, end - pos);
        pos = end + 1;
        if (line.empty() || line.front() == '#' || !line.starts_with(name)) continue;
        std::string_view rest = line.substr(name.size());
        if (rest.empty() || (rest.front() != ' ' && rest.front() != '{')) continue;  // longer name
        if (rest.front() == '{') {
            const std::size_t close = rest.find('}');
            if (close == std::string_view::npos) continue;
            rest = rest.substr(close + 1);
        }
        const std::string value(rest);
        char* parsedEnd = nullptr;
        const double v = std::strtod(value.c_str(), &parsedEnd);
        if (parsedEnd == value.c_str()) continue;
        sum = sum.value_or(0.0) + v;
    }
    return sum;
}

}  // namespace vcb::integration
