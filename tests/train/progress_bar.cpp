// progress_bar: exactly today's line per epoch on a plain stream; on a (forced) terminal a bar
// redrawn in place, no more often than its interval, replaced by the summary line.

#include <catch2/catch.hpp>

#include <limits>
#include <sstream>
#include <string>

#include <typenet/train/fit.hpp>
#include <typenet/train/progress_bar.hpp>

namespace progress_bar_test {

namespace tn = typenet;

namespace {

tn::epoch_record record() {
    tn::epoch_record r;
    r.epoch = 3;
    r.train_loss = 0.41234;
    r.train_accuracy = 0.85209;
    r.validation_loss = 0.5;
    r.validation_accuracy = 0.8125;
    r.seconds = 2.0;
    return r;
}

} // namespace

TEST_CASE("progress_bar on a plain stream prints one line per epoch, as fit does", "[train][progress]") {
    std::ostringstream out;
    tn::progress_bar bar(out, false);
    CHECK_FALSE(bar.terminal());
    bar.begin_epoch(3, 10, 1000);
    bar.batch_done(500, 0.3, 0.9, 0.1);
    bar.batch_done(1000, 0.3, 0.9, 0.1);
    bar.end_epoch(record());
    CHECK(out.str() == "epoch  3/10  loss 0.4123  acc 0.8521  val_loss 0.5000  val_acc 0.8125  2.0 s  500 samples/s\n");
    CHECK(bar.redraws() == 0);

    // Without validation or accuracy, those fields are left out.
    tn::epoch_record plain;
    plain.epoch = 1;
    plain.train_loss = 1.5;
    plain.seconds = 0.5;
    std::ostringstream out2;
    tn::progress_bar bar2(out2, false);
    bar2.begin_epoch(1, 2, 100);
    bar2.end_epoch(plain);
    CHECK(out2.str() == "epoch 1/2  loss 1.5000  0.5 s  200 samples/s\n");
}

TEST_CASE("progress_bar on a terminal redraws in place at most every interval", "[train][progress]") {
    double now = 100;
    std::ostringstream out;
    tn::progress_bar bar(out, true, [&] { return now; }, 0.1);
    CHECK(bar.terminal());
    bar.begin_epoch(1, 2, 100);
    now = 100.5;
    bar.batch_done(25, 0.5, 0.8, 0.1);
    // 25 of 100 after 0.5 s: 50 samples/s, 75 left at that pace take 1.5 s; a quarter of the
    // 24-character bar is 6 characters.
    const std::string first =
        "\repoch 1/2 [======>.................]  25/100  ETA 1.5 s  50 samples/s  loss 0.5000  acc 0.8000  lr 0.1\033[K";
    CHECK(out.str() == first);
    now = 100.55;  // 0.05 s later: not redrawn
    bar.batch_done(50, 0.4, 0.8, 0.1);
    CHECK(out.str() == first);
    now = 100.7;
    bar.batch_done(75, 0.25, std::numeric_limits<double>::quiet_NaN(), 0.05);
    const std::string second = "\repoch 1/2 [==================>.....]  75/100  ETA 0.2 s  107 samples/s  loss 0.2500  "
                               "lr 0.05\033[K";
    CHECK(out.str() == first + second);
    CHECK(bar.redraws() == 2);
    tn::epoch_record r;
    r.epoch = 1;
    r.train_loss = 0.25;
    r.seconds = 1.0;
    bar.end_epoch(r);
    // The bar's line is cleared and the summary left in its place.
    CHECK(out.str() == first + second + "\r\033[Kepoch 1/2  loss 0.2500  1.0 s  100 samples/s\n");
}

TEST_CASE("progress_bar decides by the stream: a string stream is no terminal", "[train][progress]") {
    std::ostringstream out;
    CHECK_FALSE(tn::writes_to_terminal(out));
    CHECK_FALSE(tn::progress_bar(out).terminal());
}

} // namespace progress_bar_test
