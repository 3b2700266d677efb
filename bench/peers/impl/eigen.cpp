// The network with Eigen 3.4 by hand: row-major matrices allocated once, noalias() products,
// array expressions for the bias, ReLU and softmax. Eigen parallelises its products with
// OpenMP (the race compiles with it), told the thread count by Eigen::setNbThreads.

#include <cstring>
#include <vector>

#include <Eigen/Core>

#include "common/race.hpp"

namespace {

using matrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using row_vector = Eigen::RowVectorXf;

struct layer {
    matrix w, dw;        // in x out, row k = input k
    row_vector b, db;
    matrix z, dz;        // batch x out: output (after ReLU for hidden layers), its gradient
};

class eigen_peer {
public:
    explicit eigen_peer(const race::setup& s) : train_(s.train), test_(s.test) {
        Eigen::setNbThreads(s.threads);
        for (std::size_t l = 0; l < s.net.layers(); ++l) {
            const auto in = static_cast<Eigen::Index>(s.net.in(l)), out = static_cast<Eigen::Index>(s.net.out(l));
            layer L;
            L.w = Eigen::Map<const matrix>(s.initial.data() + s.net.weight_offset(l), in, out);
            L.b = Eigen::Map<const row_vector>(s.initial.data() + s.net.bias_offset(l), out);
            L.dw.resize(in, out);
            L.db.resize(out);
            L.z.resize(race::batch, out);
            L.dz.resize(race::batch, out);
            layers_.push_back(std::move(L));
        }
        x_.resize(race::batch, race::image_width);
        one_.resize(1, race::image_width);
    }

    void train_batch(std::span<const std::uint32_t> rows) {
        const auto n = static_cast<Eigen::Index>(rows.size());
        for (Eigen::Index r = 0; r < n; ++r)
            x_.row(r) = Eigen::Map<const row_vector>(train_.row(rows[static_cast<std::size_t>(r)]), race::image_width);
        forward(x_.topRows(n));

        // dL/dlogits = (softmax - onehot(label)) / n
        layer& last = layers_.back();
        auto p = last.z.topRows(n);
        auto d = last.dz.topRows(n);
        softmax(p);
        d = p / static_cast<float>(n);
        for (Eigen::Index r = 0; r < n; ++r)
            d(r, static_cast<Eigen::Index>(train_.y[rows[static_cast<std::size_t>(r)]])) -= 1.0f / static_cast<float>(n);

        for (std::size_t l = layers_.size(); l-- > 0;) {
            layer& L = layers_[l];
            const auto dz = L.dz.topRows(n);
            if (l == 0) L.dw.noalias() = x_.topRows(n).transpose() * dz;
            else L.dw.noalias() = layers_[l - 1].z.topRows(n).transpose() * dz;
            L.db = dz.colwise().sum();
            if (l > 0) {
                layer& P = layers_[l - 1];
                P.dz.topRows(n).noalias() = dz * L.w.transpose();
                // Through P's ReLU: its output is 0 exactly where its input was not positive.
                P.dz.topRows(n).array() = (P.z.topRows(n).array() > 0.0f).select(P.dz.topRows(n).array(), 0.0f);
            }
        }
        for (layer& L : layers_) {
            L.w.noalias() -= race::learning_rate * L.dw;
            L.b.noalias() -= race::learning_rate * L.db;
        }
    }

    std::uint32_t classify(std::size_t i) {
        one_ = Eigen::Map<const matrix>(test_.row(i), 1, race::image_width);
        forward(one_);
        auto p = layers_.back().z.topRows(1);
        softmax(p);
        Eigen::Index best;
        p.row(0).maxCoeff(&best);
        return static_cast<std::uint32_t>(best);
    }

private:
    template <class X>
    void forward(const X& x) {
        const Eigen::Index n = x.rows();
        for (std::size_t l = 0; l < layers_.size(); ++l) {
            layer& L = layers_[l];
            auto z = L.z.topRows(n);
            if (l == 0) z.noalias() = x * L.w;
            else z.noalias() = layers_[l - 1].z.topRows(n) * L.w;
            z.rowwise() += L.b;
            if (l + 1 < layers_.size()) z = z.cwiseMax(0.0f);
        }
    }

    template <class P>
    static void softmax(P&& p) {
        for (Eigen::Index r = 0; r < p.rows(); ++r) {
            auto row = p.row(r);
            row = (row.array() - row.maxCoeff()).exp();
            row /= row.sum();
        }
    }

    const race::dataset& train_;
    const race::dataset& test_;
    std::vector<layer> layers_;
    matrix x_, one_;
};

} // namespace

int main(int argc, char** argv) {
    return race::main(argc, argv, "eigen", [](const race::setup& s, std::span<const std::uint32_t> order, double budget) {
        return race::run<eigen_peer>(s, order, budget);
    });
}
