#pragma once
// Fashion-MNIST (28 x 28 grey-scale clothing images, 10 classes) as Dataset<float>.
// The files come from the Debian package dataset-fashion-mnist, or from the directory named by
// TYPENET_FASHION_MNIST_DIR, so tests and examples find them without a download step.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <system_error>
#include <vector>

#include <typenet/core/error.hpp>
#include <typenet/data/dataset.hpp>
#include <typenet/data/idx.hpp>
#include <typenet/data/read_limits.hpp>

namespace typenet::data::fashion_mnist {

inline constexpr std::size_t rows = 28;
inline constexpr std::size_t cols = 28;
inline constexpr std::size_t width = rows * cols;
inline constexpr std::size_t classes = 10;

inline constexpr const char* directory_variable = "TYPENET_FASHION_MNIST_DIR";
inline constexpr const char* default_directory = "/usr/share/datasets/fashion-mnist";

// Where the files are looked for: $TYPENET_FASHION_MNIST_DIR if set and non-empty, else the
// Debian package's directory.
inline std::filesystem::path directory() {
    const char* env = std::getenv(directory_variable);
    return (env != nullptr && *env != '\0') ? std::filesystem::path(env) : std::filesystem::path(default_directory);
}

// Reads an image file and its label file. Pixels become values in [0, 1] (byte / 255).
// Refuses, before reading them, files whose samples would take more than limits.max_bytes as
// floats and labels.
inline Dataset<float> load(const std::filesystem::path& images_path, const std::filesystem::path& labels_path,
                           const read_limits& limits = {}) {
    const idx_images images = detail::read_idx_images(images_path, limits, sizeof(float));
    const std::vector<std::uint8_t> labels = detail::read_idx_labels(labels_path, limits, sizeof(std::uint32_t));
    // Checked here so that an IDX file of some other dataset is not taken for this one.
    if (images.rows != rows || images.cols != cols)
        throw error(images_path.string() + ": expected " + std::to_string(rows) + " x " + std::to_string(cols) +
                    " images, found " + std::to_string(images.rows) + " x " + std::to_string(images.cols));
    if (images.count != labels.size())
        throw error(images_path.string() + " and " + labels_path.string() + " disagree: " +
                    std::to_string(images.count) + " images but " + std::to_string(labels.size()) + " labels");

    Dataset<float> out;
    out.width = width;
    out.classes = classes;
    out.labels.resize(labels.size());
    for (std::size_t i = 0; i < labels.size(); ++i) {
        if (labels[i] >= classes)
            throw error(labels_path.string() + ": label " + std::to_string(labels[i]) + " of sample " +
                        std::to_string(i) + " is not below the class count " + std::to_string(classes));
        out.labels[i] = labels[i];
    }
    out.features.resize(images.pixels.size());
    // A division (not a multiplication by 1/255) keeps 255 exactly at 1.
    for (std::size_t i = 0; i < images.pixels.size(); ++i)
        out.features[i] = static_cast<float>(images.pixels[i]) / 255.0f;
    return out;
}

} // namespace typenet::data::fashion_mnist

namespace typenet::data::detail {

// Prefers the packaged .gz name; an uncompressed copy under the name without .gz also works.
inline std::filesystem::path fashion_mnist_file(const std::filesystem::path& dir, const std::string& stem) {
    std::error_code ec;
    const auto gz = dir / (stem + ".gz");
    if (std::filesystem::exists(gz, ec)) return gz;
    const auto plain = dir / stem;
    if (std::filesystem::exists(plain, ec)) return plain;
    const char* env = std::getenv(fashion_mnist::directory_variable);
    const std::string source =
        (env != nullptr && *env != '\0') ? std::string("from ") + fashion_mnist::directory_variable : "the default";
    throw error(gz.string() + ": Fashion-MNIST file not found (looked in " + dir.string() + ", " + source +
                "); install it with `apt-get install dataset-fashion-mnist`, or set " +
                fashion_mnist::directory_variable + " to a directory holding " + stem + ".gz");
}

inline Dataset<float> fashion_mnist_split(const std::string& prefix, const read_limits& limits) {
    const auto dir = fashion_mnist::directory();
    const auto images = fashion_mnist_file(dir, prefix + "-images-idx3-ubyte");
    const auto labels = fashion_mnist_file(dir, prefix + "-labels-idx1-ubyte");
    return fashion_mnist::load(images, labels, limits);
}

} // namespace typenet::data::detail

namespace typenet::data::fashion_mnist {

// The 60000 training samples.
inline Dataset<float> train(const read_limits& limits = {}) { return detail::fashion_mnist_split("train", limits); }

// The 10000 test samples.
inline Dataset<float> test(const read_limits& limits = {}) { return detail::fashion_mnist_split("t10k", limits); }

} // namespace typenet::data::fashion_mnist
