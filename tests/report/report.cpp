// The HTML report: its parts, that it is self-contained and written atomically, the PNG and
// base64 encoders against published facts, and the page in headless Chromium (every SVG drawn,
// every image decoded, no console message; a screenshot kept in the build folder).

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include <typenet/core/model.hpp>
#include <typenet/core/network.hpp>
#include <typenet/diagnostics/activation_statistics.hpp>
#include <typenet/diagnostics/dead_units.hpp>
#include <typenet/diagnostics/sanity_checks.hpp>
#include <typenet/diagnostics/update_monitor.hpp>
#include <typenet/init/initializers.hpp>
#include <typenet/layers/activations.hpp>
#include <typenet/layers/dense.hpp>
#include <typenet/layers/input.hpp>
#include <typenet/layers/losses.hpp>
#include <typenet/optim/sgd.hpp>
#include <typenet/report/png.hpp>
#include <typenet/report/report.hpp>
#include <typenet/train/evaluate.hpp>
#include <typenet/train/fit.hpp>
#include <typenet/tune/random_search.hpp>

namespace report_test {

namespace tn = typenet;
namespace fs = std::filesystem;

namespace {

using Net = tn::Network<tn::Input<784>, tn::Dense<784, 16, tn::He>, tn::ReLU, tn::Dense<16, 10, tn::Xavier>,
                        tn::SoftmaxCrossEntropy>;

// 28 x 28 images: a bright square whose place is the class, plus noise.
tn::data::Dataset<float> squares(std::size_t n, std::uint64_t s) {
    tn::rng g{tn::seed{s}};
    tn::data::Dataset<float> d;
    d.width = 784;
    d.classes = 10;
    for (std::size_t i = 0; i < n; ++i) {
        const auto y = static_cast<std::uint32_t>(i % 10);
        d.labels.push_back(y);
        for (std::size_t p = 0; p < 784; ++p) {
            const std::size_t r = p / 28, c = p % 28;
            const bool on = r / 7 == y / 4 && c / 7 == y % 4;
            d.features.push_back((on ? 0.8f : 0.0f) + 0.2f * static_cast<float>(g.uniform()));
        }
    }
    return d;
}

struct run {
    tn::Model<Net> model{tn::seed{1}};
    tn::history history;
    tn::dead_unit_tracker dead;
    tn::update_monitor updates;
    std::vector<tn::activation_stats> stats;
    tn::lr_range_verdict range;
    tn::tune::search_result search;

    run() {
        const auto train = squares(320, 1), val = squares(100, 2);
        const tn::SGD sgd{.lr = 0.05};
        for (std::size_t epoch = 1; epoch <= 4; ++epoch) {
            double loss = 0;
            for (std::size_t first = 0; first < train.size(); first += 32) {
                const auto x = std::span<const float>(train.features).subspan(first * 784, 32 * 784);
                const auto y = std::span<const std::uint32_t>(train.labels).subspan(first, 32);
                loss += model.compute_gradients(x, {.labels = y}) * 32;
                updates.before(model);
                sgd.step(model);
                updates.after(model);
                dead.observe(model, x);
            }
            updates.end_epoch();
            dead.end_epoch();
            tn::epoch_record r;
            r.epoch = epoch;
            r.train_loss = loss / double(train.size());
            r.train_accuracy = tn::evaluate(model, train).accuracy;
            const auto v = tn::evaluate(model, val);
            r.validation_loss = v.loss;
            r.validation_accuracy = v.accuracy;
            r.seconds = 0.1;
            history.epochs.push_back(r);
        }
        stats = tn::activation_statistics(model, std::span<const float>(val.features), 100);
        range = tn::lr_range_test(model, std::span<const float>(train.features).first(64 * 784),
                                  {.labels = std::span<const std::uint32_t>(train.labels).first(64)},
                                  {.from_exponent = -4, .to_exponent = 1, .steps = 10});
        tn::tune::search_space space;
        space.log_uniform("lr", 1e-6, 1e-2).uniform("dropout", 0, 0.5);
        search = tn::tune::random_search(
            space, [](const tn::tune::trial& t) { return 0.9 - 0.05 * std::abs(std::log10(t["lr"]) + 3); },
            {.trials = 30, .seed = tn::seed{4}});
    }

    void write(const fs::path& path) const {
        tn::report(history, model, stats, dead, updates, tn::run_options{{"optimizer", "SGD"}, {"lr", "0.05"}},
                   search, range, path);
    }
};

std::string read(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

std::size_t count(const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
    return n;
}

const fs::path build_dir = TYPENET_TEST_BUILD_DIR;

} // namespace

TEST_CASE("base64 and PNG follow their specifications", "[report]") {
    // RFC 4648's examples.
    CHECK(tn::detail::base64("") == "");
    CHECK(tn::detail::base64("f") == "Zg==");
    CHECK(tn::detail::base64("fo") == "Zm8=");
    CHECK(tn::detail::base64("foo") == "Zm9v");
    CHECK(tn::detail::base64("foobar") == "Zm9vYmFy");
    const std::string png = tn::encode_png({0, 255, 128, 64}, 2, 2);
    // The signature, then IHDR: length 13, 2 x 2, 8-bit grey.
    CHECK(png.substr(0, 8) == std::string("\x89PNG\r\n\x1a\n", 8));
    CHECK(png.substr(8, 8) == std::string("\0\0\0\x0dIHDR", 8));
    CHECK(png.substr(16, 13) == std::string("\0\0\0\x02\0\0\0\x02\x08\0\0\0\0", 13));
    // IEND with its fixed CRC, AE 42 60 82.
    CHECK(png.substr(png.size() - 12) == std::string("\0\0\0\0IEND\xae\x42\x60\x82", 12));
    CHECK(tn::png_data_uri({0}, 1, 1).rfind("data:image/png;base64,iVBORw0KGgo", 0) == 0);
    CHECK_THROWS_WITH(tn::encode_png({0, 1, 2}, 2, 2), "encode_png: expected 2 x 2 pixels (at least 1 x 1), found 3");
}

TEST_CASE("the report is one self-contained file with a plot for every part", "[report]") {
    const run r;
    const fs::path path = build_dir / "report_test.html";
    r.write(path);
    const std::string html = read(path);
    CHECK(html.rfind("<!DOCTYPE html>", 0) == 0);
    // Curves of loss and accuracy (and the learning rate when the history has it), 28 x 28
    // weight tiles, four histograms, dead units, update ratios and gradient norms, a scatter
    // per hyperparameter, the range test.
    const std::size_t history_plots = 2 + (tn::detail::records_learning_rate<tn::epoch_record> ? 1 : 0);
    CHECK(count(html, "<svg") == history_plots + 1 + 4 + 1 + 2 + 2 + 1);
    CHECK(count(html, "class=\"histogram\"") == 4);
    CHECK(html.find("dense_1.weight: one 28 x 28 tile per unit") != std::string::npos);
    CHECK(html.find("data:image/png;base64,") != std::string::npos);
    CHECK(html.find("<td>optimizer</td><td>SGD</td>") != std::string::npos);
    CHECK(html.find("Best-1 (val acc:0.") != std::string::npos);
    CHECK(html.find("update / weight norm") != std::string::npos);
    CHECK(html.find("<td>relu</td><td>16</td>") == std::string::npos);  // names carry ordinals
    CHECK(html.find("<td>relu_1</td>") != std::string::npos);
    CHECK(html.find(std::to_string(Net::parameter_count) + " trained parameters") != std::string::npos);
    // Nothing from outside: no script, no link, no URL but the SVG namespace.
    CHECK(html.find("<script") == std::string::npos);
    CHECK(html.find("<link") == std::string::npos);
    CHECK(html.find("url(") == std::string::npos);
    CHECK(count(html, "http") == count(html, "http://www.w3.org/2000/svg"));
    // Written through a temporary file that is gone afterwards.
    for (const auto& e : fs::directory_iterator(build_dir))
        CHECK(e.path().filename().string().find("report_test.html.tmp") == std::string::npos);
    CHECK_THROWS_WITH(r.write(build_dir / "no such folder" / "r.html"),
                      "report: cannot write " + (build_dir / "no such folder" / "r.html.tmp").string() +
                          std::to_string(::getpid()));
}

TEST_CASE("the report renders in headless Chromium", "[report][chromium]") {
    if (std::system("command -v chromium > /dev/null 2>&1") != 0) {
        std::cout << "SKIPPED: chromium is not installed (scripts/setup.sh installs Debian's chromium); "
                     "the report was not opened in a browser\n";
        std::exit(77);
    }
    const run r;
    const fs::path path = build_dir / "report.html";
    r.write(path);

    // A copy with a probe that measures every SVG once the page has laid out, and decodes every
    // image, and writes what it found into the DOM that --dump-dom prints.
    std::string probe = read(path);
    const std::string script = R"(<script>
window.addEventListener('load', async () => {
  const svgs = [...document.querySelectorAll('svg')];
  const empty = svgs.filter(s => { const b = s.getBBox(); return !(b.width > 0 && b.height > 0) ||
      s.querySelectorAll('path,rect,circle,image').length === 0; }).length;
  const images = [...document.querySelectorAll('image')];
  const sizes = await Promise.all(images.map(im => new Promise(done => {
    const i = new Image(); i.onload = () => done(i.naturalWidth); i.onerror = () => done(0);
    i.src = im.getAttribute('href'); })));
  document.body.setAttribute('data-probe', 'svgs=' + svgs.length + ' empty=' + empty + ' images=' + images.length +
      ' undecoded=' + sizes.filter(w => !(w > 0)).length);
});
</script>)";
    probe.insert(probe.rfind("</body>"), script);
    const fs::path probe_path = build_dir / "report_probe.html";
    std::ofstream(probe_path, std::ios::binary) << probe;

    const std::string flags = "chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --enable-logging=stderr "
                              "--v=0 --virtual-time-budget=3000 ";
    const fs::path dom = build_dir / "report_dom.html", log = build_dir / "report_chromium.log";
    REQUIRE(std::system((flags + "--dump-dom 'file://" + probe_path.string() + "' > '" + dom.string() + "' 2> '" +
                         log.string() + "'").c_str()) == 0);
    const std::string dumped = read(dom);
    const std::size_t svgs = count(read(path), "<svg");
    const std::string expected = "data-probe=\"svgs=" + std::to_string(svgs) + " empty=0 images=1 undecoded=0\"";
    CAPTURE(expected, read(log).substr(0, 2000));
    CHECK(dumped.find(expected) != std::string::npos);

    // The report itself: no console message at all, and a screenshot kept for people.
    const fs::path shot = build_dir / "report_screenshot.png", shot_log = build_dir / "report_screenshot.log";
    fs::remove(shot);
    REQUIRE(std::system((flags + "--window-size=1400,3600 --screenshot='" + shot.string() + "' 'file://" +
                         path.string() + "' > /dev/null 2> '" + shot_log.string() + "'").c_str()) == 0);
    const std::string messages = read(shot_log);
    CAPTURE(messages.substr(0, 2000));
    CHECK(messages.find(":CONSOLE") == std::string::npos);
    CHECK(read(log).find(":CONSOLE") == std::string::npos);
    REQUIRE(fs::exists(shot));
    CHECK(fs::file_size(shot) > 50000);
    std::cout << "report screenshot: " << shot.string() << '\n';
}

} // namespace report_test
