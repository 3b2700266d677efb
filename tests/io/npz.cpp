// .npz export and import against Debian's python3-numpy: numpy reads what typenet writes (names,
// shapes, dtypes, values) and typenet reads what numpy.savez writes (zip64 entries included).

#include <catch2/catch.hpp>

#include <cstdio>
#include <string>
#include <vector>

#include <typenet/typenet.hpp>

#include "../data/idx_files.hpp"

namespace npz_test {

namespace {

namespace tn = typenet;
using Net = tn::Network<tn::Input<4>, tn::Dense<4, 5>, tn::BatchNorm, tn::ReLU, tn::Dense<5, 3>, tn::SoftmaxCrossEntropy>;

// Runs a shell command and returns its standard output; the exit status must be 0.
std::string run(const std::string& command) {
    std::string out;
    FILE* p = popen(command.c_str(), "r");
    REQUIRE(p != nullptr);
    char buf[512];
    while (std::fgets(buf, sizeof buf, p) != nullptr) out += buf;
    const int status = pclose(p);
    CAPTURE(command, out);
    REQUIRE(status == 0);
    return out;
}

} // namespace

TEMPLATE_TEST_CASE("numpy reads typenet's .npz and typenet reads numpy's", "[io][npz]", float, double) {
    typenet_test::temp_dir dir;
    tn::Model<Net, TestType> model{tn::seed{6}};
    for (std::size_t i = 0; i < model.state().size(); ++i) model.state()[i] = TestType(0.25) * TestType(i + 1);
    tn::save_npz(model, dir / "model.npz");
    // numpy: every array's name, shape, dtype and one value as Python prints it; then each
    // array plus 1 (in its own dtype), written back with numpy.savez.
    const std::string script =
        "import numpy as np, sys\n"
        "d = np.load(sys.argv[1])\n"
        "for k in d.files: print(k, d[k].shape, d[k].dtype, repr(float(d[k].flat[1])))\n"
        "np.savez(sys.argv[2], **{k: d[k] + d[k].dtype.type(1) for k in d.files})\n";
    const std::string out = run(std::string(TYPENET_TEST_PYTHON) + " -c '" + script + "' " + (dir / "model.npz").string() +
                                " " + (dir / "plus_one.npz").string());
    const std::string dtype = std::is_same_v<TestType, float> ? "float32" : "float64";
    auto line = [&](const char* name, const char* shape) {
        const double v = static_cast<double>(model.tensor(name)[1]);
        char buf[64];
        std::snprintf(buf, sizeof buf, "%.17g", v);
        // Python's repr is the shortest round-trip form: compare as numbers, not text.
        return std::string(name) + " " + shape + " " + dtype + " ";
    };
    std::vector<std::string> lines;
    for (std::size_t at = 0, next; (next = out.find('\n', at)) != std::string::npos; at = next + 1) lines.push_back(out.substr(at, next - at));
    const std::vector<std::pair<const char*, const char*>> want{
        {"dense_1.weight", "(4, 5)"}, {"dense_1.bias", "(5,)"}, {"batch_norm_1.weight", "(5,)"}, {"batch_norm_1.bias", "(5,)"},
        {"batch_norm_1.running_mean", "(5,)"}, {"batch_norm_1.running_var", "(5,)"}, {"dense_2.weight", "(5, 3)"}, {"dense_2.bias", "(3,)"}};
    REQUIRE(lines.size() == want.size());
    for (std::size_t i = 0; i < want.size(); ++i) {
        const std::string prefix = line(want[i].first, want[i].second);
        CAPTURE(lines[i], prefix);
        REQUIRE(lines[i].starts_with(prefix));
        const double printed = std::stod(lines[i].substr(prefix.size()));
        REQUIRE(printed == static_cast<double>(model.tensor(want[i].first)[1]));
    }

    tn::Model<Net, TestType> back{tn::seed{1}};
    tn::load_npz(back, dir / "plus_one.npz");
    for (const auto& t : Net::tensors) {
        const auto a = model.values(t);
        const auto b = back.values(t);
        for (std::size_t i = 0; i < a.size(); ++i) REQUIRE(b[i] == static_cast<TestType>(a[i] + TestType(1)));
    }
}

TEST_CASE("an .npz of another network, precision or kind is an error and the model is unchanged", "[io][npz]") {
    typenet_test::temp_dir dir;
    const std::string py = TYPENET_TEST_PYTHON;
    run(py + " -c 'import numpy as np, sys; np.savez(sys.argv[1], **{\"dense_1.weight\": np.zeros((4, 6), np.float32)})' " +
        (dir / "wrong.npz").string());
    run(py + " -c 'import numpy as np, sys; np.savez_compressed(sys.argv[1], a=np.zeros(3))' " + (dir / "packed.npz").string());
    tn::Model<Net> model{tn::seed{2}};
    const std::vector<float> before(model.parameters().begin(), model.parameters().end());
    REQUIRE_THROWS_WITH(tn::load_npz(model, dir / "wrong.npz"),
                        (dir / "wrong.npz").string() + ": array dense_1.weight has shape 4 x 6, the model's 4 x 5");
    REQUIRE_THROWS_WITH(tn::load_npz(model, dir / "packed.npz"),
                        (dir / "packed.npz").string() +
                            ": entry a.npy is compressed (numpy.savez_compressed); typenet reads numpy.savez's uncompressed archives");
    tn::Model<Net, double> wide{tn::seed{2}};
    tn::save_npz(wide, dir / "double.npz");
    REQUIRE_THROWS_WITH(tn::load_npz(model, dir / "double.npz"),
                        (dir / "double.npz").string() + ": tensor dense_1.weight is float64, the model is float32; load "
                                                        "with {.convert_precision = true} to convert it");
    REQUIRE(std::vector<float>(model.parameters().begin(), model.parameters().end()) == before);
    tn::load_npz(model, dir / "double.npz", {.convert_precision = true});
    REQUIRE(model.parameters()[0] == static_cast<float>(wide.parameters()[0]));
    std::ofstream(dir / "text.npz") << "hello";
    REQUIRE_THROWS_WITH(tn::load_npz(model, dir / "text.npz"), (dir / "text.npz").string() + ": not an .npz file (no zip directory found)");
}

} // namespace npz_test
