#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <limits>
#include <vector>

#include <catch2/catch.hpp>

#include <typenet/core/error.hpp>
#include <typenet/core/rng.hpp>
#include <typenet/data/dataset.hpp>
#include <typenet/data/split.hpp>

namespace split_test {

using Catch::Matchers::Contains;
using typenet::seed;
using typenet::data::Dataset;
using typenet::data::split;
using typenet::data::subset;
using typenet::data::take;

namespace {

// Sample i has features {10 i, 10 i + 1, 10 i + 2}, label i % 4 and targets {i, -i}: any
// sample's parts identify it, so a mix-up between rows shows.
template <class T = float>
Dataset<T> numbered(std::size_t n) {
    Dataset<T> d;
    d.width = 3;
    d.classes = 4;
    d.target_width = 2;
    for (std::size_t i = 0; i < n; ++i) {
        const auto v = static_cast<T>(i);
        d.features.insert(d.features.end(), {10 * v, 10 * v + 1, 10 * v + 2});
        d.labels.push_back(static_cast<std::uint32_t>(i % 4));
        d.targets.insert(d.targets.end(), {v, -v});
    }
    return d;
}

// The sample number of each row, after checking that its features, label and targets agree.
template <class T>
std::vector<std::size_t> sample_ids(const Dataset<T>& d) {
    REQUIRE_NOTHROW(d.validate());
    std::vector<std::size_t> ids;
    for (std::size_t r = 0; r < d.size(); ++r) {
        const T* f = d.row(r);
        const auto id = static_cast<std::size_t>(f[0] / 10);
        REQUIRE(f[0] == static_cast<T>(10 * id));
        REQUIRE(f[1] == static_cast<T>(10 * id + 1));
        REQUIRE(f[2] == static_cast<T>(10 * id + 2));
        REQUIRE(d.labels[r] == id % 4);
        REQUIRE(d.target_row(r)[0] == static_cast<T>(id));
        REQUIRE(d.target_row(r)[1] == -static_cast<T>(id));
        ids.push_back(id);
    }
    return ids;
}

} // namespace

TEST_CASE("split gives round(fraction * n) samples to the first part and the rest to the second", "[data][split]") {
    const auto d = numbered(10);
    const auto [a, b] = split(d, 0.7, seed{1});
    CHECK(a.size() == 7);
    CHECK(b.size() == 3);
    CHECK(split(d, 0.25, seed{1}).first.size() == 3); // 2.5 rounds up
    CHECK(split(d, 0.01, seed{1}).first.size() == 0);
    CHECK(split(d, 0.99, seed{1}).second.size() == 0);
    CHECK(split(numbered(101), 0.5, seed{1}).first.size() == 51);
    for (const auto* part : {&a, &b}) {
        CHECK(part->width == 3);
        CHECK(part->classes == 4);
        CHECK(part->target_width == 2);
    }
}

TEST_CASE("split keeps each sample's features, label and targets together and loses none", "[data][split]") {
    const auto d = numbered(50);
    const auto [a, b] = split(d, 0.6, seed{7});
    auto ids = sample_ids(a);
    const auto second = sample_ids(b);
    ids.insert(ids.end(), second.begin(), second.end());
    std::sort(ids.begin(), ids.end());
    std::vector<std::size_t> all(50);
    for (std::size_t i = 0; i < all.size(); ++i) all[i] = i;
    CHECK(ids == all);
}

TEST_CASE("split is deterministic for a seed, differs between seeds and really shuffles", "[data][split]") {
    const auto d = numbered(40);
    const auto [a1, b1] = split(d, 0.5, seed{42});
    const auto [a2, b2] = split(d, 0.5, seed{42});
    CHECK(a1.features == a2.features);
    CHECK(a1.labels == a2.labels);
    CHECK(b1.targets == b2.targets);

    const auto [a3, b3] = split(d, 0.5, seed{43});
    CHECK(a1.features != a3.features);

    CHECK(a1.features != take(d, 20).features); // not simply the first half in order
}

TEST_CASE("split works on double datasets and on datasets without labels", "[data][split]") {
    auto d = numbered<double>(12);
    const auto [a, b] = split(d, 0.5, seed{3});
    CHECK(sample_ids(a).size() + sample_ids(b).size() == 12);

    d.labels.clear();
    d.classes = 0;
    const auto [c, e] = split(d, 0.5, seed{3});
    CHECK(c.labels.empty());
    CHECK(e.labels.empty());
    CHECK(c.features == a.features); // the order depends only on the sample count and the seed
}

TEST_CASE("split rejects a fraction outside (0, 1)", "[data][split]") {
    const auto d = numbered(10);
    for (const double bad : {0.0, 1.0, -0.5, 1.5, std::numeric_limits<double>::quiet_NaN()})
        CHECK_THROWS_AS(split(d, bad, seed{1}), typenet::error);
    CHECK_THROWS_WITH(split(d, 1.5, seed{1}), "split: fraction must be in (0, 1), found 1.5");
}

TEST_CASE("split refuses a dataset whose label count disagrees with its samples", "[data][split]") {
    auto d = numbered(10);
    d.labels.pop_back();
    CHECK_THROWS_WITH(split(d, 0.5, seed{1}), "split: expected 10 labels, found 9");
}

TEST_CASE("subset copies the requested samples in order, repeats included", "[data][split]") {
    const auto d = numbered(10);
    const std::array<std::size_t, 4> picks{9, 0, 4, 4};
    const auto s = subset(d, std::span<const std::size_t>(picks));
    CHECK(sample_ids(s) == std::vector<std::size_t>{9, 0, 4, 4});
    CHECK(subset(d, {}).size() == 0);

    const std::array<std::size_t, 2> out_of_range{3, 10};
    CHECK_THROWS_WITH(subset(d, std::span<const std::size_t>(out_of_range)),
                      "subset: index 10 is out of range for a dataset of 10 samples");
}

TEST_CASE("take copies the first n samples", "[data][split]") {
    const auto d = numbered(10);
    CHECK(sample_ids(take(d, 3)) == std::vector<std::size_t>{0, 1, 2});
    CHECK(take(d, 10).features == d.features);
    CHECK(take(d, 0).size() == 0);
    CHECK_THROWS_WITH(take(d, 11), "take: asked for 11 samples, the dataset has 10");
}

} // namespace split_test
