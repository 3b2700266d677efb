// The network with oneDNN 2.6 primitives, as its training examples build them: per layer an
// inner_product_forward (forward_training, the hidden layers' ReLU as an eltwise post-op),
// weights in the blocked format the primitive asks for (format_tag::any, reordered once from
// the user's layout), inner_product_backward_weights and inner_product_backward_data with the
// forward primitive as their hint, eltwise_backward for the ReLU (relu_use_dst_for_bwd, since
// the post-op keeps only the ReLU's output), softmax_forward for the probabilities. Formats that
// differ between primitives get reorders, as the examples do. Primitives are built once per
// batch size (64, and the last batch's 32) and for single-sample inference. oneDNN's OpenMP
// runtime takes the thread count from omp_set_num_threads.

#include <omp.h>

#include <oneapi/dnnl/dnnl.hpp>

#include <cstring>
#include <map>
#include <optional>
#include <vector>

#include "common/race.hpp"

namespace {

using dnnl::memory;
using tag = memory::format_tag;
using dt = memory::data_type;

// The primitives of one layer at one batch size.
struct layer_step {
    dnnl::inner_product_forward forward;
    dnnl::inner_product_backward_weights backward_weights;
    std::optional<dnnl::inner_product_backward_data> backward_data;  // not for the first layer
    std::optional<dnnl::eltwise_backward> relu_backward;             // hidden layers only
    memory src, dst, diff_dst, diff_src;                              // plain `nc` activations
};

struct layer {
    std::size_t in, out;
    bool relu;
    memory weights, bias;             // weights in the forward primitive's chosen format
    memory diff_weights, diff_bias;   // diff_weights in the backward-weights primitive's format
    // Backward data may want the weights in another format, and backward weights may give the
    // gradient in another format than the weights': then a reorder (built once) runs each step.
    std::optional<memory> weights_for_data;
    std::optional<dnnl::reorder> to_weights_for_data;
    std::optional<memory> diff_weights_as_weights;
    std::optional<dnnl::reorder> to_diff_weights_as_weights;
    std::vector<float> dst, diff_dst;  // batch x out
};

class onednn_peer {
public:
    explicit onednn_peer(const race::setup& s)
        : engine_(dnnl::engine::kind::cpu, 0), stream_(engine_), train_(s.train), test_(s.test) {
        omp_set_num_threads(s.threads);
        x_.resize(race::batch * race::image_width);
        for (std::size_t l = 0; l < s.net.layers(); ++l) {
            layer L{};
            L.in = s.net.in(l);
            L.out = s.net.out(l);
            L.relu = l + 1 < s.net.layers();
            L.dst.resize(race::batch * L.out);
            L.diff_dst.resize(race::batch * L.out);
            layers_.push_back(std::move(L));
        }
        last_.resize(race::batch * s.net.out(s.net.layers() - 1));
        build_step(race::batch, &s);
    }

    void train_batch(std::span<const std::uint32_t> rows) {
        const std::size_t n = rows.size();
        for (std::size_t r = 0; r < n; ++r)
            std::memcpy(x_.data() + r * race::image_width, train_.row(rows[r]), race::image_width * sizeof(float));
        std::vector<layer_step>& step = steps_for(n);

        for (std::size_t l = 0; l < layers_.size(); ++l) {
            layer& L = layers_[l];
            step[l].forward.execute(stream_, {{DNNL_ARG_SRC, step[l].src},
                                              {DNNL_ARG_WEIGHTS, L.weights},
                                              {DNNL_ARG_BIAS, L.bias},
                                              {DNNL_ARG_DST, step[l].dst}});
        }
        softmax_.at(n).execute(stream_, {{DNNL_ARG_SRC, step.back().dst}, {DNNL_ARG_DST, softmax_dst_.at(n)}});
        stream_.wait();

        // dL/dlogits = (softmax - onehot(label)) / n
        layer& last = layers_.back();
        const float scale = 1.0f / static_cast<float>(n);
        for (std::size_t r = 0; r < n; ++r) {
            for (std::size_t j = 0; j < last.out; ++j) last.diff_dst[r * last.out + j] = last_[r * last.out + j] * scale;
            last.diff_dst[r * last.out + train_.y[rows[r]]] -= scale;
        }

        for (std::size_t l = layers_.size(); l-- > 0;) {
            layer& L = layers_[l];
            layer_step& S = step[l];
            if (S.relu_backward)
                S.relu_backward->execute(stream_, {{DNNL_ARG_DST, S.dst},
                                                   {DNNL_ARG_DIFF_DST, S.diff_dst},
                                                   {DNNL_ARG_DIFF_SRC, S.diff_dst}});
            S.backward_weights.execute(stream_, {{DNNL_ARG_SRC, S.src},
                                                 {DNNL_ARG_DIFF_DST, S.diff_dst},
                                                 {DNNL_ARG_DIFF_WEIGHTS, L.diff_weights},
                                                 {DNNL_ARG_DIFF_BIAS, L.diff_bias}});
            if (S.backward_data) {
                if (L.to_weights_for_data) L.to_weights_for_data->execute(stream_, L.weights, *L.weights_for_data);
                S.backward_data->execute(stream_, {{DNNL_ARG_DIFF_DST, S.diff_dst},
                                                   {DNNL_ARG_WEIGHTS, L.weights_for_data ? *L.weights_for_data : L.weights},
                                                   {DNNL_ARG_DIFF_SRC, S.diff_src}});
            }
        }
        for (layer& L : layers_) {
            if (L.to_diff_weights_as_weights)
                L.to_diff_weights_as_weights->execute(stream_, L.diff_weights, *L.diff_weights_as_weights);
        }
        stream_.wait();
        // SGD on the weights in their blocked format: an element-wise step needs no reorder
        // when the gradient has the same format (padding is zero in both).
        for (layer& L : layers_) {
            sgd(L.weights, L.diff_weights_as_weights ? *L.diff_weights_as_weights : L.diff_weights);
            sgd(L.bias, L.diff_bias);
        }
    }

    std::uint32_t classify(std::size_t i) {
        if (!inference_) build_inference();
        inference& I = *inference_;
        I.src.set_data_handle(const_cast<float*>(test_.row(i)));
        for (std::size_t l = 0; l < layers_.size(); ++l)
            I.forward[l].execute(stream_, {{DNNL_ARG_SRC, l == 0 ? I.src : I.dst[l - 1]},
                                           {DNNL_ARG_WEIGHTS, I.weights[l]},
                                           {DNNL_ARG_BIAS, layers_[l].bias},
                                           {DNNL_ARG_DST, I.dst[l]}});
        I.softmax.execute(stream_, {{DNNL_ARG_SRC, I.dst.back()}, {DNNL_ARG_DST, I.probabilities}});
        stream_.wait();
        return race::argmax(static_cast<const float*>(I.probabilities.get_data_handle()), layers_.back().out);
    }

private:
    struct inference {
        std::vector<dnnl::inner_product_forward> forward;
        std::vector<memory> weights;  // the training weights, or a reorder of them
        std::vector<memory> dst;
        memory src, probabilities;
        dnnl::softmax_forward softmax;
    };

    static memory::dims dims(std::size_t a, std::size_t b) {
        return {static_cast<memory::dim>(a), static_cast<memory::dim>(b)};
    }

    dnnl::primitive_attr relu_attr(bool relu) const {
        dnnl::primitive_attr attr;
        if (relu) {
            dnnl::post_ops ops;
            ops.append_eltwise(1.0f, dnnl::algorithm::eltwise_relu, 0.0f, 0.0f);
            attr.set_post_ops(ops);
        }
        return attr;
    }

    std::vector<layer_step>& steps_for(std::size_t n) {
        auto it = steps_.find(n);
        if (it == steps_.end()) return build_step(n, nullptr);
        return it->second;
    }

    // The training primitives for batch size n. The first call (n = 64, with the setup) lets
    // each primitive choose its weight formats and creates the weight memories; later batch
    // sizes are told the formats already chosen, so that all share the same weights.
    std::vector<layer_step>& build_step(std::size_t n, const race::setup* s) {
        const bool first = s != nullptr;
        std::vector<layer_step> step;
        for (std::size_t l = 0; l < layers_.size(); ++l) {
            layer& L = layers_[l];
            const memory::desc src_md(dims(n, L.in), dt::f32, tag::nc);
            const memory::desc dst_md(dims(n, L.out), dt::f32, tag::nc);
            const memory::desc bias_md({static_cast<memory::dim>(L.out)}, dt::f32, tag::x);
            const memory::desc any_weights(dims(L.out, L.in), dt::f32, tag::any);
            const memory::desc weights_md = first ? any_weights : L.weights.get_desc();

            const dnnl::inner_product_forward::primitive_desc fwd_pd(
                dnnl::inner_product_forward::desc(dnnl::prop_kind::forward_training, src_md, weights_md, bias_md, dst_md),
                relu_attr(L.relu), engine_);
            const dnnl::inner_product_backward_weights::primitive_desc bwd_w_pd(
                dnnl::inner_product_backward_weights::desc(src_md, first ? any_weights : L.diff_weights.get_desc(),
                                                           bias_md, dst_md),
                engine_, fwd_pd);

            if (first) {
                // The user's weights are in x out row-major: oneDNN's `io` tag.
                L.weights = memory(fwd_pd.weights_desc(), engine_);
                L.bias = memory(bias_md, engine_);
                const float* w = s->initial.data() + s->net.weight_offset(l);
                const float* b = s->initial.data() + s->net.bias_offset(l);
                memory user_weights({dims(L.out, L.in), dt::f32, tag::io}, engine_, const_cast<float*>(w));
                dnnl::reorder(user_weights, L.weights).execute(stream_, user_weights, L.weights);
                std::memcpy(L.bias.get_data_handle(), b, L.out * sizeof(float));
                L.diff_weights = memory(bwd_w_pd.diff_weights_desc(), engine_);
                L.diff_bias = memory(bias_md, engine_);
                if (bwd_w_pd.diff_weights_desc() != fwd_pd.weights_desc()) {
                    L.diff_weights_as_weights = memory(fwd_pd.weights_desc(), engine_);
                    L.to_diff_weights_as_weights = dnnl::reorder(L.diff_weights, *L.diff_weights_as_weights);
                }
            }

            layer_step S{dnnl::inner_product_forward(fwd_pd), dnnl::inner_product_backward_weights(bwd_w_pd), {}, {},
                         memory(src_md, engine_, l == 0 ? x_.data() : layers_[l - 1].dst.data()),
                         memory(dst_md, engine_, L.dst.data()), memory(dst_md, engine_, L.diff_dst.data()), {}};
            if (l > 0) {
                const memory::desc data_weights =
                    first ? any_weights : (L.weights_for_data ? L.weights_for_data->get_desc() : L.weights.get_desc());
                const dnnl::inner_product_backward_data::primitive_desc bwd_d_pd(
                    dnnl::inner_product_backward_data::desc(src_md, data_weights, dst_md), engine_, fwd_pd);
                if (first && bwd_d_pd.weights_desc() != fwd_pd.weights_desc()) {
                    L.weights_for_data = memory(bwd_d_pd.weights_desc(), engine_);
                    L.to_weights_for_data = dnnl::reorder(L.weights, *L.weights_for_data);
                }
                S.backward_data = dnnl::inner_product_backward_data(bwd_d_pd);
                S.diff_src = memory(src_md, engine_, layers_[l - 1].diff_dst.data());
            }
            if (L.relu) {
                const dnnl::eltwise_forward::primitive_desc hint(
                    dnnl::eltwise_forward::desc(dnnl::prop_kind::forward_training,
                                                dnnl::algorithm::eltwise_relu_use_dst_for_bwd, dst_md, 0.0f),
                    engine_);
                S.relu_backward = dnnl::eltwise_backward(dnnl::eltwise_backward::primitive_desc(
                    dnnl::eltwise_backward::desc(dnnl::algorithm::eltwise_relu_use_dst_for_bwd, dst_md, dst_md, 0.0f),
                    engine_, hint));
            }
            step.push_back(std::move(S));
        }
        const memory::desc logits_md(dims(n, layers_.back().out), dt::f32, tag::nc);
        softmax_.emplace(n, dnnl::softmax_forward(dnnl::softmax_forward::primitive_desc(
                                dnnl::softmax_forward::desc(dnnl::prop_kind::forward_training, logits_md, 1), engine_)));
        softmax_dst_.emplace(n, memory(logits_md, engine_, last_.data()));
        stream_.wait();
        return steps_.emplace(n, std::move(step)).first->second;
    }

    // Single-sample inference primitives; weights reordered once if inference wants another format.
    void build_inference() {
        inference I;
        for (std::size_t l = 0; l < layers_.size(); ++l) {
            layer& L = layers_[l];
            const memory::desc src_md(dims(1, L.in), dt::f32, tag::nc);
            const memory::desc dst_md(dims(1, L.out), dt::f32, tag::nc);
            const memory::desc bias_md({static_cast<memory::dim>(L.out)}, dt::f32, tag::x);
            const dnnl::inner_product_forward::primitive_desc pd(
                dnnl::inner_product_forward::desc(dnnl::prop_kind::forward_inference, src_md,
                                                  memory::desc(dims(L.out, L.in), dt::f32, tag::any), bias_md, dst_md),
                relu_attr(L.relu), engine_);
            if (pd.weights_desc() == L.weights.get_desc()) {
                I.weights.push_back(L.weights);
            } else {
                memory w(pd.weights_desc(), engine_);
                dnnl::reorder(L.weights, w).execute(stream_, L.weights, w);
                I.weights.push_back(w);
            }
            I.forward.emplace_back(pd);
            I.dst.emplace_back(dst_md, engine_);
            if (l == 0) I.src = memory(src_md, engine_, nullptr);
        }
        const memory::desc logits_md(dims(1, layers_.back().out), dt::f32, tag::nc);
        I.softmax = dnnl::softmax_forward(dnnl::softmax_forward::primitive_desc(
            dnnl::softmax_forward::desc(dnnl::prop_kind::forward_inference, logits_md, 1), engine_));
        I.probabilities = memory(logits_md, engine_);
        stream_.wait();
        inference_ = std::move(I);
    }

    static void sgd(memory& w, const memory& dw) {
        float* wp = static_cast<float*>(w.get_data_handle());
        const float* gp = static_cast<const float*>(dw.get_data_handle());
        const std::size_t n = w.get_desc().get_size() / sizeof(float);
#pragma omp parallel for simd
        for (std::size_t i = 0; i < n; ++i) wp[i] -= race::learning_rate * gp[i];
    }

    dnnl::engine engine_;
    dnnl::stream stream_;
    const race::dataset& train_;
    const race::dataset& test_;
    std::vector<float> x_;     // the gathered batch
    std::vector<float> last_;  // the batch's probabilities
    std::vector<layer> layers_;
    std::map<std::size_t, std::vector<layer_step>> steps_;
    std::map<std::size_t, dnnl::softmax_forward> softmax_;
    std::map<std::size_t, memory> softmax_dst_;
    std::optional<inference> inference_;
};

} // namespace

int main(int argc, char** argv) {
    return race::main(argc, argv, "onednn", [](const race::setup& s, std::span<const std::uint32_t> order, double budget) {
        return race::run<onednn_peer>(s, order, budget);
    });
}
