#pragma once
// save / load: a model (parameters, running statistics, seed, step and epoch counts), and
// optionally an optimiser's state and a few named values (e.g. a schedule's), in one portable
// file. Resuming from it continues training bitwise as if it had never stopped.
//
// The format (docs/checkpoints.md), every number little-endian:
//   header   8 bytes magic "\x89TYPENET", u32 format version (1), u64 file length
//   network  string: the structure record, e.g. "input(4) dense(8) relu(8) dense(3) softmax_cross_entropy(3)"
//   counters u64 seed, u64 step count, u64 epoch count
//   optimiser u8 present; if 1: string name, u64 step count
//   tensors  u32 count; each: string name, u8 element type (1 float32, 2 float64), u8 rank,
//            u64 dims[rank], then the values row-major
//   values   u32 count; each: string name, f64 value
//   trailer  u32 CRC-32 of every byte before it
// A string is a u32 length and its bytes. Model tensors are named as Model::tensor names them
// ("dense_1.weight"); an optimiser's buffers are "optimizer.<buffer>", one value per parameter.

#include <algorithm>
#include <array>
#include <bit>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include <typenet/core/error.hpp>
#include <typenet/core/model.hpp>
#include <typenet/core/tensor.hpp>
#include <typenet/io/bytes.hpp>
#include <typenet/io/crc32.hpp>
#include <typenet/io/file.hpp>

namespace typenet {

// Named values a checkpoint carries besides the tensors, e.g. a learning-rate schedule's state.
using checkpoint_values = std::map<std::string, double, std::less<>>;

struct load_options {
    // Load float32 tensors into a Model<Net, double> (or float64 into float): off, so that a
    // change of precision is never silent.
    bool convert_precision = false;
};

// What save and load need of an optimiser: its name, its step count, and its state buffers
// (one value per parameter each), which prepare creates (zeros) before a load fills them.
template <class O, class T>
concept checkpoint_optimizer = std::copy_constructible<O> && requires(O& o, const O& c, std::uint64_t n, std::size_t count) {
    { c.name() } -> std::convertible_to<std::string_view>;
    { c.step_count() } -> std::convertible_to<std::uint64_t>;
    o.set_step_count(n);
    { o.template state_buffers<T>() } -> std::same_as<std::vector<std::pair<std::string, std::span<T>>>>;
    o.template prepare<T>(count);
};

namespace detail {

inline constexpr std::array<unsigned char, 8> checkpoint_magic{0x89, 'T', 'Y', 'P', 'E', 'N', 'E', 'T'};
inline constexpr std::uint32_t checkpoint_version = 1;
inline constexpr std::size_t checkpoint_header_size = 8 + 4 + 8;
inline constexpr std::string_view optimizer_prefix = "optimizer.";

enum class element_type : std::uint8_t { float32 = 1, float64 = 2 };

template <class T>
constexpr element_type element_type_of = std::is_same_v<T, float> ? element_type::float32 : element_type::float64;

inline std::string_view element_type_name(element_type e) { return e == element_type::float32 ? "float32" : "float64"; }
inline std::size_t element_size(element_type e) { return e == element_type::float32 ? 4 : 8; }

// "784 x 100"
inline std::string dims_text(std::span<const std::uint64_t> dims) {
    std::string s;
    for (const std::uint64_t d : dims) s += (s.empty() ? "" : " x ") + std::to_string(d);
    return s.empty() ? "scalar" : s;
}

inline std::vector<std::uint64_t> dims_of(const tensor_info& t) {
    return {t.spec.dims.begin(), t.spec.dims.begin() + static_cast<std::ptrdiff_t>(t.spec.rank)};
}

// The network's structure as recorded: each layer's type and output shape.
template <class Net>
std::string structure_record() {
    using M = Model<Net, float>;
    std::string s;
    for (const auto& l : M::layers) {
        if (!s.empty()) s += ' ';
        s.append(l.type);
        s += '(';
        s += shape_text(l.output);
        s += ')';
    }
    return s;
}

template <class T>
void put_values(byte_writer& w, std::span<const T> values) {
    for (const T v : values) {
        if constexpr (std::is_same_v<T, float>) w.put_f32(v);
        else w.put_f64(v);
    }
}

template <class T>
void put_tensor(byte_writer& w, std::string_view name, std::span<const std::uint64_t> dims, std::span<const T> values) {
    w.put_string(name);
    w.put(static_cast<std::uint8_t>(element_type_of<T>));
    w.put(static_cast<std::uint8_t>(dims.size()));
    for (const std::uint64_t d : dims) w.put(d);
    put_values(w, values);
}

struct tensor_record {
    std::string name;
    element_type type;
    std::vector<std::uint64_t> dims;
    std::span<const unsigned char> data;

    std::uint64_t count() const {
        std::uint64_t n = 1;
        for (const std::uint64_t d : dims) n *= d;
        return n;
    }
};

struct checkpoint_contents {
    std::string structure;
    std::uint64_t seed = 0, steps = 0, epochs = 0;
    bool has_optimizer = false;
    std::string optimizer_name;
    std::uint64_t optimizer_steps = 0;
    std::vector<unsigned char> bytes;    // the file, which the records' data point into
    std::vector<tensor_record> tensors;  // the model's, then the optimiser's
    checkpoint_values values;
};

template <class T>
void decode_values(const tensor_record& r, std::span<T> out) {
    const std::size_t size = element_size(r.type);
    for (std::size_t i = 0; i < out.size(); ++i) {
        const unsigned char* p = r.data.data() + i * size;
        if (r.type == element_type::float32) out[i] = static_cast<T>(std::bit_cast<float>(load_le<std::uint32_t>(p)));
        else out[i] = static_cast<T>(std::bit_cast<double>(load_le<std::uint64_t>(p)));
    }
}

// Reads and checks a whole checkpoint file: magic, version, length, checksum, then each part.
inline checkpoint_contents read_checkpoint(const std::filesystem::path& path) {
    const std::string where = path.string();
    const std::uint64_t size = regular_file_size(path);
    if (size == 0) throw error(where + ": empty file, not a typenet checkpoint");
    // The header first: a foreign file is refused before it is read whole.
    const std::vector<unsigned char> head = read_file_bytes(path, 0, checkpoint_header_size);
    if (head.size() < checkpoint_magic.size() || !std::equal(checkpoint_magic.begin(), checkpoint_magic.end(), head.begin()))
        throw error(where + ": not a typenet checkpoint (it does not start with typenet's magic bytes)");
    if (head.size() < checkpoint_header_size)
        throw error(where + ": truncated: " + std::to_string(head.size()) + " bytes, shorter than a checkpoint's " +
                    std::to_string(checkpoint_header_size) + "-byte header");
    const auto version = load_le<std::uint32_t>(head.data() + 8);
    if (version != checkpoint_version)
        throw error(where + ": checkpoint format version " + std::to_string(version) + ", this typenet reads version " +
                    std::to_string(checkpoint_version));
    const auto length = load_le<std::uint64_t>(head.data() + 12);
    if (length != size)
        throw error(where + (length > size ? ": truncated" : ": corrupt") + ": the header says " + std::to_string(length) +
                    " bytes, the file has " + std::to_string(size));
    if (size < checkpoint_header_size + 4)
        throw error(where + ": corrupt: " + std::to_string(size) + " bytes leave no room for the checksum");
    checkpoint_contents c;
    c.bytes = read_file_bytes(path, 0, size);
    const std::vector<unsigned char>& bytes = c.bytes;
    if (bytes.size() != size) throw error(where + ": the file changed while it was read");
    const std::span<const unsigned char> all(bytes);
    const std::uint32_t stored = load_le<std::uint32_t>(bytes.data() + size - 4);
    const std::uint32_t computed = crc32(all.first(size - 4));
    if (stored != computed) throw error(where + ": corrupt: the checksum does not match the contents");

    byte_reader in(all.first(size - 4), where);
    in.take(checkpoint_header_size, "the header");
    c.structure = in.get_string("the network's structure");
    c.seed = in.get<std::uint64_t>("the seed");
    c.steps = in.get<std::uint64_t>("the step count");
    c.epochs = in.get<std::uint64_t>("the epoch count");
    const auto has_optimizer = in.get<std::uint8_t>("the optimiser flag");
    if (has_optimizer > 1) in.fail("corrupt: optimiser flag " + std::to_string(has_optimizer));
    c.has_optimizer = has_optimizer == 1;
    if (c.has_optimizer) {
        c.optimizer_name = in.get_string("the optimiser's name");
        c.optimizer_steps = in.get<std::uint64_t>("the optimiser's step count");
    }
    const auto tensor_count = in.get<std::uint32_t>("the tensor count");
    for (std::uint32_t i = 0; i < tensor_count; ++i) {
        tensor_record r;
        r.name = in.get_string("a tensor's name");
        const auto type = in.get<std::uint8_t>("an element type");
        if (type != 1 && type != 2) in.fail("corrupt: tensor " + r.name + " has element type " + std::to_string(type));
        r.type = static_cast<element_type>(type);
        const auto rank = in.get<std::uint8_t>("a rank");
        std::uint64_t count = 1;
        for (std::uint8_t k = 0; k < rank; ++k) {
            r.dims.push_back(in.get<std::uint64_t>("a dimension"));
            // Each factor is checked against what remains, so the product cannot overflow.
            if (r.dims.back() != 0 && count > in.remaining() / r.dims.back())
                in.fail("corrupt: tensor " + r.name + "'s shape " + dims_text(r.dims) + " exceeds the file");
            count *= r.dims.back();
        }
        if (count > in.remaining() / element_size(r.type))
            in.fail("corrupt: tensor " + r.name + "'s shape " + dims_text(r.dims) + " exceeds the file");
        r.data = in.take(static_cast<std::size_t>(count) * element_size(r.type), "a tensor's values");
        c.tensors.push_back(std::move(r));
    }
    const auto value_count = in.get<std::uint32_t>("the count of named values");
    for (std::uint32_t i = 0; i < value_count; ++i) {
        std::string name = in.get_string("a value's name");
        c.values[name] = std::bit_cast<double>(in.get<std::uint64_t>("a value"));
    }
    if (in.remaining() != 0) in.fail("corrupt: " + std::to_string(in.remaining()) + " bytes after the last part");
    return c;
}

// Copies a record into `out` after checking its element type against T.
template <class T>
void fill_from(const tensor_record& r, std::span<T> out, const load_options& options, const std::string& where) {
    if (r.type != element_type_of<T> && !options.convert_precision)
        throw error(where + ": tensor " + r.name + " is " + std::string(element_type_name(r.type)) + ", the model is " +
                    std::string(element_type_name(element_type_of<T>)) +
                    "; load with {.convert_precision = true} to convert it");
    decode_values<T>(r, out);
}

template <class Net, class T>
void write_checkpoint(const Model<Net, T>& model, const std::filesystem::path& path, const checkpoint_values& values,
                      auto&& write_optimizer) {
    byte_writer w;
    w.put_text(std::string_view(reinterpret_cast<const char*>(checkpoint_magic.data()), checkpoint_magic.size()));
    w.put(checkpoint_version);
    w.put(std::uint64_t{0});  // the length, known at the end
    w.put_string(structure_record<Net>());
    w.put(model.seed_value());
    w.put(model.step_count());
    w.put(model.epoch_count());
    std::vector<std::pair<std::string, std::span<const T>>> extra;  // the optimiser's buffers
    write_optimizer(w, extra);
    w.put(static_cast<std::uint32_t>(Net::tensor_count + extra.size()));
    for (const tensor_info& t : Net::tensors) put_tensor<T>(w, t.full_name(), dims_of(t), model.values(t));
    const std::array<std::uint64_t, 1> flat{Net::parameter_count};
    for (const auto& [name, buffer] : extra) {
        if (buffer.size() != Net::parameter_count)
            throw error(path.string() + ": the optimiser's buffer " + name + " holds " + std::to_string(buffer.size()) +
                        " values, expected one per parameter (" + std::to_string(Net::parameter_count) + ")");
        put_tensor<T>(w, std::string(optimizer_prefix) + name, flat, buffer);
    }
    w.put(static_cast<std::uint32_t>(values.size()));
    for (const auto& [name, v] : values) {
        w.put_string(name);
        w.put_f64(v);
    }
    w.patch(12, static_cast<std::uint64_t>(w.size() + 4));
    w.put(crc32(w.bytes()));
    write_file_atomically(path, w.bytes());
}

// Loads the model's tensors and counters into a new model, checked against Net before
// anything of `model` changes; returns it with the contents for the optimiser's part.
template <class Net, class T>
Model<Net, T> model_from(const checkpoint_contents& c, const std::filesystem::path& path, const load_options& options) {
    const std::string where = path.string();
    std::vector<const tensor_record*> model_tensors;
    for (const tensor_record& r : c.tensors)
        if (!r.name.starts_with(optimizer_prefix)) model_tensors.push_back(&r);
    Model<Net, T> out{seed{c.seed}};
    for (std::size_t i = 0; i < Net::tensor_count; ++i) {
        const tensor_info& t = Net::tensors[i];
        const std::vector<std::uint64_t> want = dims_of(t);
        const std::string model_side = t.full_name() + " (shape " + dims_text(want) + ")";
        if (i >= model_tensors.size())
            throw error(where + ": the model's tensor " + model_side + " is not in the checkpoint, whose network is " +
                        c.structure);
        const tensor_record& r = *model_tensors[i];
        if (r.name != t.full_name())
            throw error(where + ": tensor " + std::to_string(i + 1) + " is " + r.name + " (shape " + dims_text(r.dims) +
                        ") in the checkpoint, " + model_side + " in the model");
        if (r.dims != want)
            throw error(where + ": tensor " + r.name + " has shape " + dims_text(r.dims) + " in the checkpoint, " +
                        dims_text(want) + " in the model");
        fill_from<T>(r, out.values(t), options, where);
    }
    if (model_tensors.size() > Net::tensor_count) {
        const tensor_record& r = *model_tensors[Net::tensor_count];
        throw error(where + ": the checkpoint's tensor " + r.name + " (shape " + dims_text(r.dims) +
                    ") is not in the model, whose network is " + structure_record<Net>());
    }
    if (c.structure != structure_record<Net>())
        throw error(where + ": the checkpoint's network is " + c.structure + ", the model's is " + structure_record<Net>());
    out.set_step_count(c.steps);
    out.set_epoch_count(c.epochs);
    return out;
}

} // namespace detail

// Writes the model to `path` atomically, with `values` (named numbers of the caller's own).
template <class Net, class T>
void save(const Model<Net, T>& model, const std::filesystem::path& path, const checkpoint_values& values = {}) {
    detail::write_checkpoint(model, path, values, [](detail::byte_writer& w, auto&) { w.put(std::uint8_t{0}); });
}

// The same with an optimiser's name, step count and state buffers. An optimiser that has not
// stepped yet is prepared for the model first (zero buffers, as fit would create them), so that
// every checkpoint of it, even one taken before training, loads back into the same optimiser.
template <class Net, class T, checkpoint_optimizer<T> Optimizer>
void save(const Model<Net, T>& model, Optimizer& optimizer, const std::filesystem::path& path,
          const checkpoint_values& values = {}) {
    optimizer.template prepare<T>(Net::parameter_count);
    detail::write_checkpoint(model, path, values, [&](detail::byte_writer& w, auto& extra) {
        w.put(std::uint8_t{1});
        w.put_string(std::string_view(optimizer.name()));
        w.put(static_cast<std::uint64_t>(optimizer.step_count()));
        for (auto& [name, buffer] : optimizer.template state_buffers<T>()) extra.emplace_back(name, buffer);
    });
}

// Reads a checkpoint into `model`, which must be the same network; returns the named values.
// Throws typenet::error for a missing, empty, foreign, truncated or corrupt file, or another
// network (naming the first tensor that differs and both shapes); `model` is then unchanged.
template <class Net, class T>
checkpoint_values load(Model<Net, T>& model, const std::filesystem::path& path, load_options options = {}) {
    const detail::checkpoint_contents c = detail::read_checkpoint(path);
    model = detail::model_from<Net, T>(c, path, options);
    return c.values;
}

// The same, restoring the optimiser's step count and state buffers too.
template <class Net, class T, checkpoint_optimizer<T> Optimizer>
checkpoint_values load(Model<Net, T>& model, Optimizer& optimizer, const std::filesystem::path& path,
                       load_options options = {}) {
    const std::string where = path.string();
    const detail::checkpoint_contents c = detail::read_checkpoint(path);
    Model<Net, T> loaded = detail::model_from<Net, T>(c, path, options);
    Optimizer restored = optimizer;
    const std::string name(std::string_view(restored.name()));
    if (!c.has_optimizer) throw error(where + ": the checkpoint holds no optimiser state, expected " + name + "'s");
    if (c.optimizer_name != name)
        throw error(where + ": the checkpoint holds optimiser " + c.optimizer_name + "'s state, expected " + name + "'s");
    restored.template prepare<T>(Net::parameter_count);
    std::vector<const detail::tensor_record*> buffers;
    for (const auto& r : c.tensors)
        if (r.name.starts_with(detail::optimizer_prefix)) buffers.push_back(&r);
    auto wanted = restored.template state_buffers<T>();
    std::string found_names, wanted_names;
    bool same_names = buffers.size() == wanted.size();
    for (std::size_t i = 0; i < buffers.size(); ++i) {
        const std::string short_name = buffers[i]->name.substr(detail::optimizer_prefix.size());
        found_names += (i == 0 ? "" : ", ") + short_name;
        same_names = same_names && i < wanted.size() && short_name == wanted[i].first;
    }
    for (std::size_t i = 0; i < wanted.size(); ++i) wanted_names += (i == 0 ? "" : ", ") + wanted[i].first;
    if (!same_names)
        throw error(where + ": the checkpoint holds " + name + "'s buffers " +
                    (found_names.empty() ? std::string("(none)") : found_names) + ", expected " +
                    (wanted_names.empty() ? std::string("(none)") : wanted_names));
    for (std::size_t i = 0; i < wanted.size(); ++i) {
        const auto& [buffer_name, values] = wanted[i];
        const detail::tensor_record& r = *buffers[i];
        if (r.count() != values.size())
            throw error(where + ": " + name + "'s buffer " + buffer_name + " holds " + std::to_string(r.count()) +
                        " values in the checkpoint, expected " + std::to_string(values.size()) +
                        " (one per parameter of the model)");
        detail::fill_from<T>(r, values, options, where);
    }
    restored.set_step_count(c.optimizer_steps);
    model = std::move(loaded);
    optimizer = std::move(restored);
    return c.values;
}

} // namespace typenet
