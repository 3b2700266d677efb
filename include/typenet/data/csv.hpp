#pragma once
// read_csv: a Dataset from a CSV file of numbers. The first line may name the columns; the
// label column (class indices) or the target columns are chosen by name or by index, and every
// other column is a feature. A malformed number or a ragged line is a typenet::error naming the
// file, the line and the column.

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <variant>
#include <vector>

#include <typenet/core/error.hpp>
#include <typenet/data/dataset.hpp>
#include <typenet/data/make_dataset.hpp>
#include <typenet/data/read_limits.hpp>
#include <typenet/io/file.hpp>

namespace typenet::data {

// A column by its name in the header line, or by its index (counting from 0).
class csv_column {
public:
    csv_column(std::string_view name) : which_(std::string(name)) {}  // NOLINT: implicit by design
    csv_column(const char* name) : which_(std::string(name)) {}       // NOLINT
    csv_column(std::size_t index) : which_(index) {}                   // NOLINT
    csv_column(int index) : which_(static_cast<std::size_t>(index < 0 ? -1 : index)) {}  // NOLINT

    const std::string* name() const noexcept { return std::get_if<std::string>(&which_); }
    std::size_t index() const noexcept { return std::get<std::size_t>(which_); }

private:
    std::variant<std::string, std::size_t> which_;
};

struct csv_options {
    bool header = true;                // the first line names the columns
    char delimiter = ',';
    std::optional<csv_column> label{}; // class indices (whole numbers from 0)
    std::vector<csv_column> targets{}; // target values (regression); not with `label`
    std::size_t classes = 0;           // 0: the largest label + 1
    read_limits limits{};              // the file's size may not exceed limits.max_bytes
};

namespace detail {

inline std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
    return s;
}

// The fields of one line: split at the delimiter, trimmed, with "quoted" fields unquoted.
inline std::vector<std::string_view> csv_fields(std::string_view line, char delimiter) {
    std::vector<std::string_view> out;
    std::size_t start = 0;
    bool quoted = false;
    for (std::size_t i = 0; i <= line.size(); ++i) {
        if (i < line.size() && line[i] == '"') quoted = !quoted;
        if (i == line.size() || (line[i] == delimiter && !quoted)) {
            std::string_view f = trim(line.substr(start, i - start));
            if (f.size() >= 2 && f.front() == '"' && f.back() == '"') f = f.substr(1, f.size() - 2);
            out.push_back(f);
            start = i + 1;
        }
    }
    return out;
}

} // namespace detail

// Reads `path` into a Dataset<T>: see csv_options. Blank lines are skipped.
template <class T = float>
Dataset<T> read_csv(const std::filesystem::path& path, const csv_options& options = {}) {
    const std::string file = path.string();
    const std::uint64_t size = typenet::detail::regular_file_size(path);
    if (size > options.limits.max_bytes)
        throw error(file + ": " + std::to_string(size) + " bytes, more than the limit of " +
                    std::to_string(options.limits.max_bytes) + " bytes (raise csv_options::limits.max_bytes to read it)");
    if (options.label && !options.targets.empty())
        throw error(file + ": expected a label column or target columns, found both");
    const std::vector<unsigned char> bytes = typenet::detail::read_file_bytes(path, 0, size);
    const std::string_view text(reinterpret_cast<const char*>(bytes.data()), bytes.size());

    std::vector<std::string> names;
    std::size_t columns = 0;
    std::vector<int> role;  // per column: 0 feature, 1 label, 2 target
    std::vector<std::size_t> target_order;
    std::vector<T> features, targets;
    std::vector<std::uint64_t> labels;
    auto where = [&](std::size_t line, std::size_t column) {
        std::string s = file + ", line " + std::to_string(line) + ", column " + std::to_string(column + 1);
        if (column < names.size()) s += " (" + names[column] + ")";
        return s;
    };
    auto resolve = [&](const csv_column& c) -> std::size_t {
        if (const std::string* name = c.name()) {
            if (!options.header) throw error(file + ": column \"" + *name + "\" chosen by name, but the file has no header");
            for (std::size_t i = 0; i < names.size(); ++i)
                if (names[i] == *name) return i;
            std::string known;
            for (const auto& n : names) known += (known.empty() ? "" : ", ") + n;
            throw error(file + ": no column named \"" + *name + "\"; the header has: " + known);
        }
        if (c.index() >= columns)
            throw error(file + ": column index " + std::to_string(c.index()) + " is out of range for " +
                        std::to_string(columns) + " columns");
        return c.index();
    };
    auto set_up = [&](std::size_t count) {
        columns = count;
        role.assign(columns, 0);
        if (options.label) role[resolve(*options.label)] = 1;
        for (const csv_column& c : options.targets) {
            const std::size_t i = resolve(c);
            if (role[i] != 0) throw error(file + ": column " + std::to_string(i) + " is chosen twice");
            role[i] = 2;
            target_order.push_back(i);
        }
        if (std::count(role.begin(), role.end(), 0) == 0) throw error(file + ": no feature columns are left");
    };

    std::size_t line_number = 0, start = 0;
    bool first = true;
    std::vector<T> target_row;
    while (start < text.size()) {
        std::size_t end = text.find('\n', start);
        if (end == std::string_view::npos) end = text.size();
        const std::string_view line = text.substr(start, end - start);
        start = end + 1;
        ++line_number;
        if (detail::trim(line).empty()) continue;
        const auto fields = detail::csv_fields(line, options.delimiter);
        if (first) {
            first = false;
            if (options.header) {
                for (const auto f : fields) names.emplace_back(f);
                set_up(fields.size());
                continue;
            }
            set_up(fields.size());
        }
        if (fields.size() != columns)
            throw error(file + ", line " + std::to_string(line_number) + ": expected " + std::to_string(columns) +
                        " columns, found " + std::to_string(fields.size()));
        target_row.assign(target_order.size(), T(0));
        for (std::size_t c = 0; c < columns; ++c) {
            const std::string_view f = fields[c];
            if (role[c] == 1) {
                std::uint64_t v = 0;
                const auto r = std::from_chars(f.data(), f.data() + f.size(), v);
                if (f.empty() || r.ec != std::errc{} || r.ptr != f.data() + f.size())
                    throw error(where(line_number, c) + ": expected a class label (a whole number from 0), found \"" +
                                std::string(f) + "\"");
                labels.push_back(v);
                continue;
            }
            double v = 0;
            const char* begin = f.data() + (!f.empty() && f.front() == '+' ? 1 : 0);
            const auto r = std::from_chars(begin, f.data() + f.size(), v);
            if (f.empty() || r.ec != std::errc{} || r.ptr != f.data() + f.size())
                throw error(where(line_number, c) + ": expected a number, found \"" + std::string(f) + "\"");
            if (!std::isfinite(v))
                throw error(where(line_number, c) + ": expected a finite number, found \"" + std::string(f) + "\"");
            if (role[c] == 0) features.push_back(static_cast<T>(v));
            else target_row[static_cast<std::size_t>(std::find(target_order.begin(), target_order.end(), c) - target_order.begin())] = static_cast<T>(v);
        }
        targets.insert(targets.end(), target_row.begin(), target_row.end());
    }
    if (features.empty()) throw error(file + ": expected at least one row of data, found none");
    const std::size_t width = static_cast<std::size_t>(std::count(role.begin(), role.end(), 0));
    try {
        if (options.label) return make_dataset(features, width, labels, options.classes);
        if (!options.targets.empty()) return make_dataset(features, width, targets);
    } catch (const error& e) {
        throw error(file + ": " + e.what());
    }
    Dataset<T> d;
    d.width = width;
    d.features = std::move(features);
    return d;
}

} // namespace typenet::data
