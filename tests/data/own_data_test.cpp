// A user's own data: make_dataset from arrays with any integer labels or target rows, read_csv
// with its errors by file, line and column, Dataset checks that cannot overflow, and the IDX
// readers' limits: trailing junk after gzip data, a memory limit, a named pipe, an empty path.

#include <catch2/catch.hpp>

#include <array>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <limits>
#include <span>
#include <vector>

#include <sys/stat.h>

#include <typenet/data/csv.hpp>
#include <typenet/data/fashion_mnist.hpp>
#include <typenet/data/idx.hpp>
#include <typenet/data/make_dataset.hpp>
#include <typenet/data/split.hpp>

#include "idx_files.hpp"

namespace own_data_test {

using namespace typenet::data;
using Catch::Matchers::Contains;
using typenet_test::temp_dir;

TEST_CASE("make_dataset takes features and labels of any integer type in one call", "[data][make_dataset]") {
    const std::vector<double> x{1, 2, 3, 4, 5, 6};
    const std::vector<std::int64_t> labels{0, 2, 1};
    const Dataset<double> d = make_dataset(x, 2, labels);
    REQUIRE(d.size() == 3);
    REQUIRE(d.width == 2);
    REQUIRE(d.classes == 3);  // the largest label + 1
    REQUIRE(d.labels == std::vector<std::uint32_t>{0, 2, 1});
    REQUIRE(d.features == x);
    REQUIRE_NOTHROW(d.validate());
    const std::array<std::uint8_t, 3> small{1, 1, 0};
    REQUIRE(make_dataset(std::span<const double>(x), 2, small, 5).classes == 5);
    const std::vector<float> f{1, 2, 3, 4}, y{0.5f, 1.5f, 2.5f, 3.5f, 4.5f, 5.5f};
    const Dataset<float> r = make_dataset(f, 2, y);
    REQUIRE(r.target_width == 3);
    REQUIRE(r.targets == y);
    REQUIRE(r.labels.empty());
}

TEST_CASE("make_dataset names every inconsistency", "[data][make_dataset]") {
    const std::vector<float> x{1, 2, 3, 4, 5, 6};
    const std::vector<int> labels{0, 1, 2};
    REQUIRE_THROWS_WITH(make_dataset(x, 0, labels), "make_dataset: expected a width of at least 1, found 0");
    REQUIRE_THROWS_WITH(make_dataset(x, 4, labels),
                        "make_dataset: expected whole rows of 4 features, found 6 values (1 rows and 2 values over)");
    REQUIRE_THROWS_WITH(make_dataset(std::vector<float>{}, 2, std::vector<int>{}),
                        "make_dataset: expected at least one sample, found none");
    REQUIRE_THROWS_WITH(make_dataset(x, 2, std::vector<int>{0, 1}),
                        "make_dataset: expected 3 labels (one per row of 2 features), found 2");
    REQUIRE_THROWS_WITH(make_dataset(x, 2, std::vector<int>{0, -1, 1}),
                        "make_dataset: label -1 of row 1 is negative (expected class indices from 0)");
    REQUIRE_THROWS_WITH(make_dataset(x, 2, labels, 2), "make_dataset: label 2 of row 2 is not below the class count 2");
    REQUIRE_THROWS_WITH(make_dataset(x, 2, std::vector<std::uint64_t>{0, 5000000000ULL, 1}),
                        "make_dataset: label 5000000000 of row 1 is beyond the largest class index 4294967294");
    auto bad = x;
    bad[3] = std::numeric_limits<float>::quiet_NaN();
    REQUIRE_THROWS_WITH(make_dataset(bad, 2, labels), "make_dataset: feature value nan at row 1, column 1 (expected finite values)");
    bad[3] = -std::numeric_limits<float>::infinity();
    REQUIRE_THROWS_WITH(make_dataset(bad, 2, labels), "make_dataset: feature value -inf at row 1, column 1 (expected finite values)");
    std::vector<float> y{1, 2, 3, 4, 5, 6};
    REQUIRE_THROWS_WITH(make_dataset(x, 2, std::vector<float>{1, 2}),
                        "make_dataset: expected target values in whole rows, one per row of 2 features (a multiple of 3), found 2");
    y[5] = std::numeric_limits<float>::infinity();
    REQUIRE_THROWS_WITH(make_dataset(x, 2, y), "make_dataset: target value inf at row 2, column 1 (expected finite values)");
}

TEST_CASE("validate names non-finite values, a missing class count, and sizes that would overflow", "[data][dataset]") {
    Dataset<float> d;
    d.width = 2;
    d.features = {1, 2, 3, std::nanf("")};
    REQUIRE_THROWS_WITH(d.validate(), "dataset: feature value nan at row 1, column 1 (expected finite values)");
    d.features[3] = 4;
    d.labels = {0, 1};
    REQUIRE_THROWS_WITH(d.validate(), "dataset: 2 labels but a class count of 0 (set classes, or make the dataset with "
                                      "data::make_dataset)");
    d.labels.clear();
    // 2 samples x 2^63 target values wraps to 0 in a size_t product; the check divides instead.
    d.target_width = std::size_t{1} << 63;
    REQUIRE_THROWS_WITH(d.validate(), "dataset: expected 2 rows of 9223372036854775808 target values, found 0 values");
    REQUIRE_THROWS_WITH(split(d, 0.5, typenet::seed{1}), Contains("split: expected 2 rows of 9223372036854775808"));
}

TEST_CASE("read_csv reads labels or targets by name or index, and the rest as features", "[data][csv]") {
    temp_dir dir;
    std::ofstream(dir / "iris.csv") << "sepal, petal ,\"species\"\r\n5.1,1.4,0\r\n\r\n6.2,+4.5e0,2\n7.0,-4.7,1\n";
    const auto d = read_csv(dir / "iris.csv", {.label = "species"});
    REQUIRE(d.width == 2);
    REQUIRE(d.classes == 3);
    REQUIRE(d.features == std::vector<float>{5.1f, 1.4f, 6.2f, 4.5f, 7.0f, -4.7f});
    REQUIRE(d.labels == std::vector<std::uint32_t>{0, 2, 1});
    std::ofstream(dir / "plain.csv") << "1;2;3\n4;5;6\n";
    const auto r = read_csv<double>(dir / "plain.csv", {.header = false, .delimiter = ';', .targets = {0, 2}});
    REQUIRE(r.width == 1);
    REQUIRE(r.features == std::vector<double>{2, 5});
    REQUIRE(r.target_width == 2);
    REQUIRE(r.targets == std::vector<double>{1, 3, 4, 6});
}

TEST_CASE("read_csv names the file, line and column of every mistake", "[data][csv]") {
    temp_dir dir;
    const auto p = dir / "d.csv";
    const std::string f = p.string();
    std::ofstream(p) << "a,b,label\n1,2,0\n3,x,1\n";
    REQUIRE_THROWS_WITH(read_csv(p, {.label = "label"}), f + ", line 3, column 2 (b): expected a number, found \"x\"");
    std::ofstream(p) << "a,b,label\n1,2,0\n3,4\n";
    REQUIRE_THROWS_WITH(read_csv(p, {.label = 2}), f + ", line 3: expected 3 columns, found 2");
    std::ofstream(p) << "a,b,label\n1,2,0\n3,4,1.5\n";
    REQUIRE_THROWS_WITH(read_csv(p, {.label = "label"}),
                        f + ", line 3, column 3 (label): expected a class label (a whole number from 0), found \"1.5\"");
    std::ofstream(p) << "a,b,label\n1,nan,0\n";
    REQUIRE_THROWS_WITH(read_csv(p, {.label = "label"}), f + ", line 2, column 2 (b): expected a finite number, found \"nan\"");
    REQUIRE_THROWS_WITH(read_csv(p, {.label = "y"}), f + ": no column named \"y\"; the header has: a, b, label");
    REQUIRE_THROWS_WITH(read_csv(p, {.label = 7}), f + ": column index 7 is out of range for 3 columns");
    std::ofstream(p) << "a,b\n";
    REQUIRE_THROWS_WITH(read_csv(p), f + ": expected at least one row of data, found none");
    std::ofstream(p) << "a,label\n1,0\n2,3\n";
    REQUIRE_THROWS_WITH(read_csv(p, {.label = "label", .classes = 2}),
                        f + ": make_dataset: label 3 of row 1 is not below the class count 2");
    REQUIRE_THROWS_WITH(read_csv(p, {.limits = {.max_bytes = 4}}),
                        f + ": 16 bytes, more than the limit of 4 bytes (raise csv_options::limits.max_bytes to read it)");
    REQUIRE_THROWS_WITH(read_csv(dir / "missing.csv"), (dir / "missing.csv").string() + ": file not found");
}

TEST_CASE("bytes after the gzip data are an error, a second gzip member is read on", "[data][idx]") {
    temp_dir dir;
    const auto labels = typenet_test::label_file({1, 2, 3});
    typenet_test::write_gzip(dir / "l.gz", labels);
    auto gz = typenet_test::read_plain(dir / "l.gz");
    auto junk = gz;
    junk.insert(junk.end(), {'j', 'u', 'n', 'k', '!'});
    typenet_test::write_plain(dir / "junk.gz", junk);
    REQUIRE_THROWS_WITH(read_idx_labels(dir / "junk.gz"), (dir / "junk.gz").string() + ": 5 bytes of junk after the gzip data");
    // The same labels split over two gzip members: one stream as gzip defines it.
    typenet_test::write_gzip(dir / "a.gz", typenet_test::bytes(labels.begin(), labels.begin() + 9));
    typenet_test::write_gzip(dir / "b.gz", typenet_test::bytes(labels.begin() + 9, labels.end()));
    auto two = typenet_test::read_plain(dir / "a.gz");
    const auto second = typenet_test::read_plain(dir / "b.gz");
    two.insert(two.end(), second.begin(), second.end());
    typenet_test::write_plain(dir / "two.gz", two);
    REQUIRE(read_idx_labels(dir / "two.gz") == std::vector<std::uint8_t>{1, 2, 3});
}

TEST_CASE("a header promising more than the memory limit is refused before reading", "[data][idx]") {
    temp_dir dir;
    // 32768 x 65536 zero bytes: 2 GiB declared, 8 GiB as floats; only the header is written.
    typenet_test::write_gzip(dir / "big.gz", typenet_test::image_file(32768, 256, 256, {}));
    REQUIRE_THROWS_WITH(read_idx_images(dir / "big.gz"),
                        (dir / "big.gz").string() + ": the header declares 2147483648 values, 2147483648 bytes in memory, "
                                                    "more than the limit of 1073741824 bytes (raise data::read_limits::max_bytes to read it)");
    typenet_test::write_gzip(dir / "half.gz", typenet_test::image_file(16384, 256, 256, {}));
    REQUIRE_THROWS_WITH(fashion_mnist::load(dir / "half.gz", dir / "half.gz"),
                        (dir / "half.gz").string() + ": the header declares 1073741824 values, 4294967296 bytes in memory, "
                                                     "more than the limit of 1073741824 bytes (raise data::read_limits::max_bytes to read it)");
}

TEST_CASE("the memory limit is the caller's and counts loaded floats", "[data][idx]") {
    temp_dir dir;
    typenet_test::write_gzip(dir / "i.gz", typenet_test::image_file(2, 28, 28, typenet_test::bytes(2 * 784, 7)));
    typenet_test::write_gzip(dir / "l.gz", typenet_test::label_file({1, 2}));
    REQUIRE(fashion_mnist::load(dir / "i.gz", dir / "l.gz").size() == 2);
    REQUIRE_THROWS_WITH(fashion_mnist::load(dir / "i.gz", dir / "l.gz", {.max_bytes = 2 * 784 * 4 - 1}),
                        (dir / "i.gz").string() + ": the header declares 1568 values, 6272 bytes in memory, more than the "
                                                  "limit of 6271 bytes (raise data::read_limits::max_bytes to read it)");
    REQUIRE(fashion_mnist::load(dir / "i.gz", dir / "l.gz", {.max_bytes = 2 * 784 * 4}).size() == 2);
    REQUIRE_THROWS_WITH(read_idx_images(dir / "i.gz", {.max_bytes = 100}), Contains("1568 bytes in memory, more than the limit of 100"));
}

TEST_CASE("a named pipe and an empty path are errors, not a hang", "[data][idx]") {
    temp_dir dir;
    const auto fifo = dir / "pipe";
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    REQUIRE_THROWS_WITH(read_idx_images(fifo), fifo.string() + ": expected a regular file, found a named pipe");
    REQUIRE_THROWS_WITH(read_csv(fifo), fifo.string() + ": expected a regular file, found a named pipe");
    REQUIRE_THROWS_WITH(read_idx_labels(""), "expected a file path, found an empty one");
    REQUIRE_THROWS_WITH(read_csv(""), "expected a file path, found an empty one");
}

} // namespace own_data_test
