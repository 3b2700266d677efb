#pragma once
// typenet::error: the one exception type for run-time mistakes (bad files, wrong widths,
// non-finite losses). Its message names what was expected and what was found.

#include <stdexcept>
#include <string>

namespace typenet {

struct error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

} // namespace typenet
