#pragma once
// The MLP written with Eigen: row-major matrices allocated once, noalias() products, array
// expressions for the bias, ReLU and softmax.

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include <Eigen/Core>

#include "workload.hpp"

namespace bench {

class eigen_mlp {
public:
    using matrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
    using row_vector = Eigen::RowVectorXf;
    using column_vector = Eigen::VectorXf;

    explicit eigen_mlp(std::size_t rows)
        : rows_(static_cast<Eigen::Index>(rows)), w1_(inputs, hidden), w2_(hidden, classes), b1_(hidden),
          b2_(classes), dw1_(inputs, hidden), dw2_(hidden, classes), db1_(hidden), db2_(classes), z1_(rows_, hidden),
          h1_(rows_, hidden), z2_(rows_, classes), p_(rows_, classes), d2_(rows_, classes), d1_(rows_, hidden),
          max_(rows_), sum_(rows_) {}

    void set_parameters(std::span<const float> p) {
        w1_ = Eigen::Map<const matrix>(p.data() + w1_offset, inputs, hidden);
        b1_ = Eigen::Map<const row_vector>(p.data() + b1_offset, hidden);
        w2_ = Eigen::Map<const matrix>(p.data() + w2_offset, hidden, classes);
        b2_ = Eigen::Map<const row_vector>(p.data() + b2_offset, classes);
    }
    std::vector<float> parameters() const {
        std::vector<float> p(parameter_count);
        Eigen::Map<matrix>(p.data() + w1_offset, inputs, hidden) = w1_;
        Eigen::Map<row_vector>(p.data() + b1_offset, hidden) = b1_;
        Eigen::Map<matrix>(p.data() + w2_offset, hidden, classes) = w2_;
        Eigen::Map<row_vector>(p.data() + b2_offset, classes) = b2_;
        return p;
    }

    const float* predict(const float* x) {
        forward(x_of(x));
        return p_.data();
    }

    double train_step(const float* x_data, const std::uint32_t* labels, float lr) {
        const auto x = x_of(x_data);
        forward(x);

        double loss = 0;
        for (Eigen::Index i = 0; i < rows_; ++i)
            loss += std::log(sum_(i)) + max_(i) - z2_(i, static_cast<Eigen::Index>(labels[i]));
        loss /= static_cast<double>(rows_);

        const float scale = 1.0f / static_cast<float>(rows_);
        d2_ = p_ * scale;
        for (Eigen::Index i = 0; i < rows_; ++i) d2_(i, static_cast<Eigen::Index>(labels[i])) -= scale;

        dw2_.noalias() = h1_.transpose() * d2_;
        db2_ = d2_.colwise().sum();
        d1_.noalias() = d2_ * w2_.transpose();
        d1_.array() = (z1_.array() > 0.0f).select(d1_.array(), 0.0f);
        dw1_.noalias() = x.transpose() * d1_;
        db1_ = d1_.colwise().sum();

        w1_.noalias() -= lr * dw1_;
        b1_.noalias() -= lr * db1_;
        w2_.noalias() -= lr * dw2_;
        b2_.noalias() -= lr * db2_;
        return loss;
    }

private:
    Eigen::Map<const matrix> x_of(const float* x) const { return {x, rows_, static_cast<Eigen::Index>(inputs)}; }

    void forward(const Eigen::Map<const matrix>& x) {
        z1_.noalias() = x * w1_;
        z1_.rowwise() += b1_;
        h1_ = z1_.cwiseMax(0.0f);
        z2_.noalias() = h1_ * w2_;
        z2_.rowwise() += b2_;
        max_ = z2_.rowwise().maxCoeff();
        p_ = (z2_.colwise() - max_).array().exp().matrix();
        sum_ = p_.rowwise().sum();
        p_.array().colwise() /= sum_.array();
    }

    Eigen::Index rows_;
    matrix w1_, w2_;
    row_vector b1_, b2_;
    matrix dw1_, dw2_;
    row_vector db1_, db2_;
    matrix z1_, h1_, z2_, p_, d2_, d1_;
    column_vector max_, sum_;
};

} // namespace bench
