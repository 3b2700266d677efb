// Random search: the sampler's bounds, spread and reproducibility; ranking, the seeds' result
// lines, warnings at range edges, and the narrowed space of a finer round.

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <set>
#include <string>
#include <vector>

#include <typenet/tune/random_search.hpp>
#include <typenet/tune/search_space.hpp>

namespace search_test {

namespace tn = typenet;
namespace tune = typenet::tune;

TEST_CASE("log-uniform sampling stays in its bounds and is uniform in the exponent", "[tune]") {
    tune::search_space space;
    space.log_uniform("lr", 1e-6, 1e-2);
    const auto trials = space.sample(4000, tn::seed{1});
    REQUIRE(trials.size() == 4000);
    // Exponents of 10 uniform on [-6, -2]: mean -4, variance 4^2/12; each decade a quarter.
    double sum = 0, squares = 0;
    std::vector<std::size_t> decades(4, 0);
    for (const auto& t : trials) {
        const double lr = t["lr"];
        REQUIRE(lr >= 1e-6);
        REQUIRE(lr < 1e-2);
        const double e = std::log10(lr);
        sum += e;
        squares += e * e;
        ++decades[static_cast<std::size_t>(std::floor(e + 6))];
    }
    const double mean = sum / 4000, variance = squares / 4000 - mean * mean;
    CHECK(mean == Approx(-4).margin(0.05));
    CHECK(variance == Approx(16.0 / 12).epsilon(0.05));
    for (const std::size_t d : decades) CHECK(std::abs(double(d) - 1000) < 4 * std::sqrt(1000 * 0.75));
}

TEST_CASE("uniform, integer and choice sampling", "[tune]") {
    tune::search_space space;
    space.uniform("dropout", 0.1, 0.5).integer("hidden", 3, 6).choice("activation", {"relu", "tanh", "elu"});
    const auto trials = space.sample(3000, tn::seed{2});
    std::vector<std::size_t> hidden(4, 0), choice(3, 0);
    double sum = 0;
    for (const auto& t : trials) {
        REQUIRE(t["dropout"] >= 0.1);
        REQUIRE(t["dropout"] < 0.5);
        sum += t["dropout"];
        REQUIRE(t.integer("hidden") >= 3);
        REQUIRE(t.integer("hidden") <= 6);
        ++hidden[static_cast<std::size_t>(t.integer("hidden") - 3)];
        const std::string& a = t.text("activation");
        REQUIRE((a == "relu" || a == "tanh" || a == "elu"));
        ++choice[static_cast<std::size_t>(t["activation"])];
        REQUIRE(t.text("activation") == std::vector<std::string>{"relu", "tanh", "elu"}[std::size_t(t["activation"])]);
    }
    CHECK(sum / 3000 == Approx(0.3).margin(0.01));
    for (const std::size_t h : hidden) CHECK(std::abs(double(h) - 750) < 4 * std::sqrt(750 * 0.75));  // both ends included
    for (const std::size_t c : choice) CHECK(std::abs(double(c) - 1000) < 4 * std::sqrt(1000 * 2.0 / 3));
    CHECK_THROWS_WITH(trials[0]["momentum"], "tune: no hyperparameter named \"momentum\"; the trial has: dropout, hidden, activation");
    CHECK_THROWS_WITH(space.log_uniform("wd", 0, 1), "tune: log_uniform \"wd\" expects 0 < low < high, found low 0, high 1");
    CHECK_THROWS_WITH(space.uniform("dropout", 0, 1), "tune: hyperparameter \"dropout\" is declared twice");
}

TEST_CASE("sampling is reproducible from its seed", "[tune]") {
    tune::search_space space;
    space.log_uniform("lr", 1e-6, 1e-2).log_uniform("weight decay", 1e-8, 1e-4);
    const auto a = space.sample(20, tn::seed{7}), b = space.sample(20, tn::seed{7}), c = space.sample(20, tn::seed{8});
    for (std::size_t i = 0; i < 20; ++i) {
        CHECK(a[i].index == i);
        CHECK(a[i]["lr"] == b[i]["lr"]);
        CHECK(a[i]["weight decay"] == b[i]["weight decay"]);
        CHECK(a[i]["lr"] != c[i]["lr"]);
    }
    // The first trials do not depend on how many are drawn.
    const auto shorter = space.sample(5, tn::seed{7});
    for (std::size_t i = 0; i < 5; ++i) CHECK(shorter[i]["lr"] == a[i]["lr"]);
}

TEST_CASE("random search ranks trials and prints them as the seeds do", "[tune]") {
    tune::search_space space;
    space.log_uniform("lr", 1e-6, 1e-2).log_uniform("weight decay", 1e-8, 1e-4);
    // A score peaked at lr = 1e-3 whatever the weight decay; a NaN for the largest rates.
    std::size_t calls = 0;
    const auto score = [&](const tune::trial& t) {
        ++calls;
        const double lr = t["lr"];
        return lr > 8e-3 ? std::nan("") : 1 - std::abs(std::log10(lr) + 3) / 4;
    };
    const auto result = tune::random_search(space, score, {.trials = 60, .seed = tn::seed{3}});
    CHECK(calls == 60);
    REQUIRE(result.trials.size() == 60);
    const auto best = result.best(5);
    REQUIRE(best.size() == 5);
    for (std::size_t i = 1; i < best.size(); ++i) CHECK(best[i - 1].score >= best[i].score);
    CHECK(std::isnan(result.best(60).back().score));  // a diverged trial ranks last
    CHECK(std::abs(std::log10(best[0].trial["lr"]) + 3) < 0.3);
    CHECK(result.edge_warnings().empty());  // the best rate lies well inside its range

    // The seeds' line, from a trial with known values.
    tune::trial t;
    t.values = {{"lr", 0.0092, ""}, {"weight decay", 3.86e-07, ""}};
    CHECK(result.format_line(1, {t, 0.83}) == "Best-1 (val acc:0.83) | lr:0.0092, weight decay:3.86e-07");
    t.values = {{"lr", 0.009561, ""}, {"weight decay", 6.0412e-07, ""}};
    CHECK(result.format_line(2, {t, 0.781}) == "Best-2 (val acc:0.78) | lr:0.00956, weight decay:6.04e-07");
    const std::string lines = result.format_best(3);
    CHECK(std::count(lines.begin(), lines.end(), '\n') == 3);
    CHECK(lines.rfind("Best-1 (val acc:", 0) == 0);
}

TEST_CASE("coarse to fine: the narrowed space and the edge warnings", "[tune]") {
    tune::search_space space;
    space.log_uniform("lr", 1e-6, 1e-2).uniform("dropout", 0, 1).choice("act", {"relu", "tanh", "elu"});
    // Better the larger the rate (the best sits at the upper edge), with relu, dropout near 0.5.
    const auto score = [](const tune::trial& t) {
        return 10 * std::log10(t["lr"]) - std::abs(t["dropout"] - 0.5) + (t.text("act") == "relu" ? 10 : 0);
    };
    const auto coarse = tune::random_search(space, score, {.trials = 200, .seed = tn::seed{5}});
    const auto warnings = coarse.edge_warnings();
    // lr's best sits at its upper edge; a choice has no edge.
    REQUIRE(!warnings.empty());
    CHECK(warnings[0].rfind("warning: lr: the best value ", 0) == 0);
    for (const auto& w : warnings) CHECK(w.find("act:") == std::string::npos);
    CHECK(warnings[0].find("lies at the upper edge of its range [1e-06, 0.01]; the best may lie beyond it: widen the range") !=
          std::string::npos);

    const auto fine = tune::narrow(coarse, 5);
    const auto& lr = fine.parameter("lr");
    CHECK(lr.scale == tune::scale::log_uniform);
    CHECK(lr.high <= 1e-2 * (1 + 1e-12));
    CHECK(lr.low > 1e-3);  // the five best rates lie within the top decade
    const auto top = coarse.best(5);
    for (const auto& r : top) {
        CHECK(r.trial["lr"] >= lr.low);
        CHECK(r.trial["lr"] <= lr.high);
        CHECK(r.trial["dropout"] >= fine.parameter("dropout").low);
        CHECK(r.trial["dropout"] <= fine.parameter("dropout").high);
    }
    CHECK(fine.parameter("dropout").low >= 0);
    CHECK(fine.parameter("dropout").high <= 1);
    CHECK(fine.parameter("act").choices == std::vector<std::string>{"relu"});
}

} // namespace search_test
