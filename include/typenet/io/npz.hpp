#pragma once
// save_npz / load_npz: a model's named tensors as a NumPy .npz archive (a zip of .npy files,
// stored uncompressed), readable with numpy.load and writable with numpy.savez. Names are
// Model::tensor's ("dense_1.weight"); shapes are the tensors' own, row-major. A Dense weight
// is In x Out: the transpose of a PyTorch nn.Linear weight (docs/getting_started.md).

#include <algorithm>
#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <typenet/core/error.hpp>
#include <typenet/core/model.hpp>
#include <typenet/io/bytes.hpp>
#include <typenet/io/checkpoint.hpp>
#include <typenet/io/crc32.hpp>
#include <typenet/io/file.hpp>

namespace typenet {

namespace detail {

// A .npy file (format 1.0): magic, version, header length, a Python dict padded so that the
// data starts at a multiple of 64 bytes, then the values.
template <class T>
std::vector<unsigned char> npy_bytes(std::span<const std::uint64_t> dims, std::span<const T> values) {
    std::string shape = "(";
    for (const std::uint64_t d : dims) shape += std::to_string(d) + (dims.size() == 1 ? ",)" : ", ");
    if (dims.size() != 1) shape = (dims.empty() ? "(" : shape.substr(0, shape.size() - 2)) + ")";
    std::string header = std::string("{'descr': '") + (std::is_same_v<T, float> ? "<f4" : "<f8") +
                         "', 'fortran_order': False, 'shape': " + shape + ", }";
    const std::size_t unpadded = 10 + header.size() + 1;
    header.append((64 - unpadded % 64) % 64, ' ');
    header += '\n';
    byte_writer w;
    w.put_text("\x93NUMPY");
    w.put(std::uint8_t{1});
    w.put(std::uint8_t{0});
    w.put(static_cast<std::uint16_t>(header.size()));
    w.put_text(header);
    put_values(w, values);
    return std::move(w.bytes());
}

struct zip_entry {
    std::string name;
    std::span<const unsigned char> data;
};

// A zip archive of stored (uncompressed) entries, without zip64: the sizes of a model fit.
inline std::vector<unsigned char> zip_bytes(const std::vector<std::pair<std::string, std::vector<unsigned char>>>& files,
                                            const std::string& where) {
    byte_writer w, central;
    for (const auto& [name, data] : files) {
        if (data.size() >= 0xFFFFFFFFULL || w.size() >= 0xFFFFFFFFULL)
            throw error(where + ": " + name + " is too large for an .npz archive without zip64");
        const auto offset = static_cast<std::uint32_t>(w.size());
        const std::uint32_t crc = crc32(data);
        const auto size = static_cast<std::uint32_t>(data.size());
        const auto name_size = static_cast<std::uint16_t>(name.size());
        // 1980-01-01 00:00, the zip epoch: the archive does not depend on when it was written.
        constexpr std::uint16_t time = 0, date = (0 << 9) | (1 << 5) | 1;
        w.put(std::uint32_t{0x04034b50});
        w.put(std::uint16_t{20});  // version needed: 2.0
        w.put(std::uint16_t{0});   // flags
        w.put(std::uint16_t{0});   // stored
        w.put(time);
        w.put(date);
        w.put(crc);
        w.put(size);
        w.put(size);
        w.put(name_size);
        w.put(std::uint16_t{0});
        w.put_text(name);
        w.put_bytes(data);
        central.put(std::uint32_t{0x02014b50});
        central.put(std::uint16_t{20});  // made by: 2.0
        central.put(std::uint16_t{20});
        central.put(std::uint16_t{0});
        central.put(std::uint16_t{0});
        central.put(time);
        central.put(date);
        central.put(crc);
        central.put(size);
        central.put(size);
        central.put(name_size);
        central.put(std::uint16_t{0});  // extra
        central.put(std::uint16_t{0});  // comment
        central.put(std::uint16_t{0});  // disk
        central.put(std::uint16_t{0});  // internal attributes
        central.put(std::uint32_t{0});  // external attributes
        central.put(offset);
        central.put_text(name);
    }
    const auto central_offset = static_cast<std::uint32_t>(w.size());
    const auto central_size = static_cast<std::uint32_t>(central.size());
    w.put_bytes(central.bytes());
    w.put(std::uint32_t{0x06054b50});
    w.put(std::uint16_t{0});
    w.put(std::uint16_t{0});
    w.put(static_cast<std::uint16_t>(files.size()));
    w.put(static_cast<std::uint16_t>(files.size()));
    w.put(central_size);
    w.put(central_offset);
    w.put(std::uint16_t{0});
    return std::move(w.bytes());
}

// The entries of a zip archive of stored entries (as numpy.savez writes, zip64 included).
inline std::vector<zip_entry> read_zip(std::span<const unsigned char> bytes, const std::string& where) {
    // The end-of-central-directory record: 22 bytes plus a comment of up to 65535.
    std::size_t end = bytes.size();
    bool found = false;
    for (std::size_t back = 22; back <= std::min<std::size_t>(bytes.size(), 22 + 65535); ++back)
        if (load_le<std::uint32_t>(bytes.data() + bytes.size() - back) == 0x06054b50) {
            end = bytes.size() - back;
            found = true;
            break;
        }
    if (!found) throw error(where + ": not an .npz file (no zip directory found)");
    byte_reader eocd(bytes.subspan(end), where);
    eocd.take(10, "the zip directory's end");
    std::uint64_t count = eocd.get<std::uint16_t>("the entry count");
    std::uint64_t central_size = eocd.get<std::uint32_t>("the directory's size");
    std::uint64_t central_offset = eocd.get<std::uint32_t>("the directory's offset");
    if (count == 0xFFFF || central_offset == 0xFFFFFFFF || central_size == 0xFFFFFFFF) {
        // zip64: its locator sits just before, pointing at the zip64 end record.
        if (end < 20 || load_le<std::uint32_t>(bytes.data() + end - 20) != 0x07064b50)
            throw error(where + ": corrupt zip64 directory");
        const auto at = load_le<std::uint64_t>(bytes.data() + end - 20 + 8);
        if (at > bytes.size()) throw error(where + ": corrupt zip64 directory");
        byte_reader z(bytes.subspan(static_cast<std::size_t>(at)), where);
        if (z.get<std::uint32_t>("the zip64 record") != 0x06064b50) throw error(where + ": corrupt zip64 directory");
        z.take(8 + 2 + 2 + 4 + 4 + 8, "the zip64 record");
        count = z.get<std::uint64_t>("the entry count");
        central_size = z.get<std::uint64_t>("the directory's size");
        central_offset = z.get<std::uint64_t>("the directory's offset");
    }
    if (central_offset > bytes.size() || central_size > bytes.size() - central_offset)
        throw error(where + ": corrupt zip directory");
    byte_reader dir(bytes.subspan(static_cast<std::size_t>(central_offset), static_cast<std::size_t>(central_size)), where);
    std::vector<zip_entry> out;
    for (std::uint64_t i = 0; i < count; ++i) {
        if (dir.get<std::uint32_t>("a directory entry") != 0x02014b50) dir.fail("corrupt zip directory entry");
        dir.take(4, "an entry");
        const auto flags = dir.get<std::uint16_t>("an entry's flags");
        const auto method = dir.get<std::uint16_t>("an entry's method");
        dir.take(4, "an entry's time");
        const auto crc = dir.get<std::uint32_t>("an entry's checksum");
        std::uint64_t packed = dir.get<std::uint32_t>("an entry's size");
        std::uint64_t size = dir.get<std::uint32_t>("an entry's size");
        const auto name_size = dir.get<std::uint16_t>("an entry's name");
        const auto extra_size = dir.get<std::uint16_t>("an entry's extra field");
        const auto comment_size = dir.get<std::uint16_t>("an entry's comment");
        dir.take(2 + 2 + 4, "an entry's attributes");
        std::uint64_t offset = dir.get<std::uint32_t>("an entry's offset");
        const auto name_bytes = dir.take(name_size, "an entry's name");
        std::string name(name_bytes.begin(), name_bytes.end());
        byte_reader extra(dir.take(extra_size, "an entry's extra field"), where);
        dir.take(comment_size, "an entry's comment");
        while (extra.remaining() >= 4) {
            const auto id = extra.get<std::uint16_t>("an extra field");
            const auto n = extra.get<std::uint16_t>("an extra field");
            byte_reader field(extra.take(n, "an extra field"), where);
            if (id != 0x0001) continue;
            // zip64 sizes: present only for the values saturated above, in this order.
            if (size == 0xFFFFFFFF) size = field.get<std::uint64_t>("a zip64 size");
            if (packed == 0xFFFFFFFF) packed = field.get<std::uint64_t>("a zip64 size");
            if (offset == 0xFFFFFFFF) offset = field.get<std::uint64_t>("a zip64 offset");
        }
        if (method != 0)
            throw error(where + ": entry " + name +
                        " is compressed (numpy.savez_compressed); typenet reads numpy.savez's uncompressed archives");
        if ((flags & 1U) != 0) throw error(where + ": entry " + name + " is encrypted");
        if (packed != size) throw error(where + ": corrupt entry " + name);
        if (offset > bytes.size() || bytes.size() - offset < 30) throw error(where + ": corrupt entry " + name);
        byte_reader local(bytes.subspan(static_cast<std::size_t>(offset)), where);
        if (local.get<std::uint32_t>("a local header") != 0x04034b50) local.fail("corrupt local header of " + name);
        local.take(22, "a local header");
        const auto local_name = local.get<std::uint16_t>("a local header");
        const auto local_extra = local.get<std::uint16_t>("a local header");
        local.take(static_cast<std::size_t>(local_name) + local_extra, "a local header");
        if (size > local.remaining()) throw error(where + ": entry " + name + " is cut short");
        const auto data = local.take(static_cast<std::size_t>(size), "an entry's data");
        if (crc32(data) != crc) throw error(where + ": corrupt: entry " + name + "'s checksum does not match");
        out.push_back({std::move(name), data});
    }
    return out;
}

struct npy_array {
    char kind = 'f';           // element kind from 'descr'
    std::size_t size = 0;      // bytes per element
    std::vector<std::uint64_t> dims;
    std::span<const unsigned char> data;
};

// Parses a .npy file's header: little-endian float32 or float64, C order.
inline npy_array read_npy(std::span<const unsigned char> bytes, const std::string& where) {
    byte_reader in(bytes, where);
    const auto magic = in.take(6, "the .npy magic");
    constexpr std::array<unsigned char, 6> npy_magic{0x93, 'N', 'U', 'M', 'P', 'Y'};
    if (!std::equal(magic.begin(), magic.end(), npy_magic.begin())) in.fail("not an .npy array");
    const auto major = in.get<std::uint8_t>("the .npy version");
    in.take(1, "the .npy version");
    const std::size_t header_size =
        major == 1 ? in.get<std::uint16_t>("the .npy header length") : in.get<std::uint32_t>("the .npy header length");
    const auto h = in.take(header_size, "the .npy header");
    const std::string header(h.begin(), h.end());
    auto value_of = [&](std::string_view key) {
        // Appended, not "'" + std::string(key): GCC 12 -O3 warns (-Wrestrict) about the copy that
        // inserts a literal before a temporary string.
        std::string quoted(1, '\'');
        quoted.append(key).append(1, '\'');
        const auto at = header.find(quoted);
        if (at == std::string::npos)
            in.fail(std::string("the .npy header has no ").append(quoted).append(": ").append(header));
        auto start = header.find(':', at) + 1;
        while (start < header.size() && header[start] == ' ') ++start;
        return start;
    };
    npy_array a;
    const auto d = value_of("descr");
    const auto descr = header.substr(d + 1, header.find('\'', d + 1) - d - 1);
    if (descr == "<f4") a.size = 4;
    else if (descr == "<f8") a.size = 8;
    else in.fail("expected float32 or float64 values ('<f4' or '<f8'), found '" + descr + "'");
    if (header.compare(value_of("fortran_order"), 5, "False") != 0) in.fail("expected C order, found Fortran order");
    const auto s = value_of("shape");
    const auto close = header.find(')', s);
    if (header[s] != '(' || close == std::string::npos) in.fail("unreadable shape in the .npy header: " + header);
    std::uint64_t count = 1;
    std::string number;
    for (std::size_t i = s + 1; i <= close; ++i) {
        if (header[i] >= '0' && header[i] <= '9') number += header[i];
        else if (!number.empty()) {
            if (number.size() > 18) in.fail("absurd dimension " + number);
            a.dims.push_back(std::stoull(number));
            if (a.dims.back() != 0 && count > in.remaining() / a.dims.back())
                in.fail("shape " + dims_text(a.dims) + " exceeds the data");
            count *= a.dims.back();
            number.clear();
        }
    }
    if (count * a.size != in.remaining())
        in.fail("expected " + std::to_string(count * a.size) + " bytes of values for shape " + dims_text(a.dims) +
                ", found " + std::to_string(in.remaining()));
    a.data = in.take(in.remaining(), "the values");
    return a;
}

} // namespace detail

// Writes every named tensor of the model (parameters and running statistics) to an .npz file,
// atomically: numpy.load(path)["dense_1.weight"] is an In x Out array.
template <class Net, class T>
void save_npz(const Model<Net, T>& model, const std::filesystem::path& path) {
    std::vector<std::pair<std::string, std::vector<unsigned char>>> files;
    for (const tensor_info& t : Net::tensors)
        files.emplace_back(t.full_name() + ".npy", detail::npy_bytes<T>(detail::dims_of(t), model.values(t)));
    detail::write_file_atomically(path, detail::zip_bytes(files, path.string()));
}

// Reads an .npz file with exactly the model's tensors (names and shapes) into the model. A
// float64 array (numpy's default) loads into a float model, or float32 into double, only with
// {.convert_precision = true}. On any error the model is unchanged.
template <class Net, class T>
void load_npz(Model<Net, T>& model, const std::filesystem::path& path, load_options options = {}) {
    const std::string where = path.string();
    if (path.empty()) throw error("expected a file path, found an empty one");
    const std::uint64_t size = detail::regular_file_size(path);
    if (size == 0) throw error(where + ": empty file, not an .npz archive");
    const std::vector<unsigned char> bytes = detail::read_file_bytes(path, 0, size);
    std::map<std::string, detail::npy_array, std::less<>> arrays;
    for (const detail::zip_entry& e : detail::read_zip(bytes, where)) {
        if (!e.name.ends_with(".npy")) throw error(where + ": entry " + e.name + " is not an .npy array");
        const std::string name = e.name.substr(0, e.name.size() - 4);
        arrays[name] = detail::read_npy(e.data, where + " (" + name + ")");
    }
    Model<Net, T> loaded = model;
    for (const tensor_info& t : Net::tensors) {
        const auto it = arrays.find(t.full_name());
        if (it == arrays.end()) throw error(where + ": no array named " + t.full_name() + " (the model's tensor)");
        const detail::npy_array& a = it->second;
        const auto want = detail::dims_of(t);
        if (a.dims != want)
            throw error(where + ": array " + t.full_name() + " has shape " + detail::dims_text(a.dims) + ", the model's " +
                        detail::dims_text(want));
        const detail::tensor_record r{t.full_name(), a.size == 4 ? detail::element_type::float32 : detail::element_type::float64,
                                      a.dims, a.data};
        detail::fill_from<T>(r, loaded.values(t), options, where);
        arrays.erase(it);
    }
    if (!arrays.empty())
        throw error(where + ": array " + arrays.begin()->first + " is not a tensor of the model");
    model = std::move(loaded);
}

} // namespace typenet
