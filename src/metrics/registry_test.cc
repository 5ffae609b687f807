#include <gtest/gtest.h>

#include <stdexcept>
#include <thread>

#include "metrics/registry.h"

using namespace postern::metrics;

TEST(Registry, CounterRendersHelpTypeAndSample) {
  Registry r;
  r.counter("postern_x_total", "Things counted.").inc();
  r.counter("postern_x_total", "Things counted.").inc(2);
  EXPECT_EQ(r.render(),
            "# HELP postern_x_total Things counted.\n"
            "# TYPE postern_x_total counter\n"
            "postern_x_total 3\n");
}

TEST(Registry, LabelsAreEscapedAndChildrenShareAFamily) {
  Registry r;
  r.counter("a_total", "A.", {{"reason", "bad_password"}}).inc();
  r.counter("a_total", "A.", {{"reason", "back\\slash \"q\"\nnl"}}).inc(4);
  EXPECT_EQ(r.render(),
            "# HELP a_total A.\n"
            "# TYPE a_total counter\n"
            "a_total{reason=\"back\\\\slash \\\"q\\\"\\nnl\"} 4\n"
            "a_total{reason=\"bad_password\"} 1\n");
}

TEST(Registry, HelpIsEscaped) {
  Registry r;
  r.gauge("g", "line one\nback\\slash").set(1);
  EXPECT_EQ(r.render(), "# HELP g line one\\nback\\\\slash\n# TYPE g gauge\ng 1\n");
}

TEST(Registry, HistogramIsCumulativeWithInfSumAndCount) {
  Registry r;
  Histogram& h = r.histogram("lat_seconds", "Latency.", {0.1, 1, 10}, {{"op", "x"}});
  h.observe(0.05);
  h.observe(0.1);  // le is inclusive
  h.observe(5);
  h.observe(100);
  EXPECT_EQ(r.render(),
            "# HELP lat_seconds Latency.\n"
            "# TYPE lat_seconds histogram\n"
            "lat_seconds_bucket{op=\"x\",le=\"0.1\"} 2\n"
            "lat_seconds_bucket{op=\"x\",le=\"1\"} 2\n"
            "lat_seconds_bucket{op=\"x\",le=\"10\"} 3\n"
            "lat_seconds_bucket{op=\"x\",le=\"+Inf\"} 4\n"
            "lat_seconds_sum{op=\"x\"} 105.15\n"
            "lat_seconds_count{op=\"x\"} 4\n");
  auto s = h.snapshot();
  EXPECT_EQ(s.cumulative, (std::vector<std::uint64_t>{2, 2, 3, 4}));
  EXPECT_EQ(s.count, 4u);
}

TEST(Registry, HistogramWithoutLabels) {
  Registry r;
  r.histogram("h_seconds", "H.", {1}).observe(2);
  EXPECT_EQ(r.render(),
            "# HELP h_seconds H.\n# TYPE h_seconds histogram\n"
            "h_seconds_bucket{le=\"1\"} 0\nh_seconds_bucket{le=\"+Inf\"} 1\n"
            "h_seconds_sum 2\nh_seconds_count 1\n");
}

TEST(Registry, FamiliesRenderInDeclarationOrder) {
  Registry r;
  r.gauge("zeta", "Z.").set(1);
  r.counter_family("alpha_total", "A.");
  r.gauge_fn("mid", "M.", [] { return 7.5; });
  EXPECT_EQ(r.render(),
            "# HELP zeta Z.\n# TYPE zeta gauge\nzeta 1\n"
            "# HELP alpha_total A.\n# TYPE alpha_total counter\n"
            "# HELP mid M.\n# TYPE mid gauge\nmid 7.5\n");
}

TEST(Registry, GaugeFunctionIsCalledAtEachRender) {
  Registry r;
  double value = 1;
  r.gauge_fn("q", "Q.", [&value] { return value; });
  EXPECT_NE(r.render().find("\nq 1\n"), std::string::npos);
  value = 42;
  EXPECT_NE(r.render().find("\nq 42\n"), std::string::npos);
  EXPECT_THROW(r.gauge_fn("q", "Q.", [] { return 0.0; }), std::logic_error);
}

TEST(Registry, MisuseThrows) {
  Registry r;
  r.counter("c_total", "C.");
  EXPECT_THROW(r.gauge("c_total", "C."), std::logic_error);      // another type
  EXPECT_THROW(r.counter("no_suffix", "C."), std::logic_error);  // counters are *_total
  EXPECT_THROW(r.gauge("bad-name", "G."), std::logic_error);
  EXPECT_THROW(r.gauge("1abc", "G."), std::logic_error);
  EXPECT_THROW(r.counter("d_total", "D.", {{"bad-label", "x"}}), std::logic_error);
  EXPECT_THROW(r.histogram("h", "H.", {1}, {{"le", "x"}}), std::logic_error);
  EXPECT_THROW(r.histogram("h2", "H.", {2, 1}), std::logic_error);
  EXPECT_THROW(r.counter("c_total", "C.").inc(-1), std::logic_error);
}

TEST(Registry, ReferencesStayValidAsChildrenGrow) {
  Registry r;
  Counter& first = r.counter("k_total", "K.", {{"i", "0"}});
  for (int i = 1; i < 200; ++i) r.counter("k_total", "K.", {{"i", std::to_string(i)}}).inc();
  first.inc(5);
  EXPECT_EQ(r.counter("k_total", "K.", {{"i", "0"}}).value(), 5);
}

TEST(Registry, ConcurrentIncrementsAreAllCounted) {
  Registry r;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&r, t] {
      for (int i = 0; i < 10000; ++i) {
        r.counter("n_total", "N.", {{"t", std::to_string(t % 2)}}).inc();
        r.histogram("d_seconds", "D.", {1}).observe(0.5);
        if (i % 1000 == 0) (void)r.render();
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(r.counter("n_total", "N.", {{"t", "0"}}).value() +
                r.counter("n_total", "N.", {{"t", "1"}}).value(),
            40000);
  EXPECT_EQ(r.histogram("d_seconds", "D.", {1}).snapshot().count, 40000u);
}

TEST(FormatValue, AsPrometheusReadsIt) {
  EXPECT_EQ(format_value(3), "3");
  EXPECT_EQ(format_value(0), "0");
  EXPECT_EQ(format_value(-1.25), "-1.25");
  EXPECT_EQ(format_value(0.005), "0.005");
  EXPECT_EQ(format_value(0.0001), "0.0001");
  EXPECT_EQ(format_value(0.00001), "1e-05");
  EXPECT_EQ(format_value(3600), "3600");
  EXPECT_EQ(format_value(1e22), "1e+22");
  EXPECT_EQ(format_value(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(format_value(-std::numeric_limits<double>::infinity()), "-Inf");
  EXPECT_EQ(format_value(std::numeric_limits<double>::quiet_NaN()), "NaN");
}

TEST(Buckets, AscendingAndInRange) {
  for (const auto& b : {latency_buckets(), fast_latency_buckets()}) {
    ASSERT_FALSE(b.empty());
    EXPECT_TRUE(std::is_sorted(b.begin(), b.end()));
    EXPECT_NO_THROW(Histogram{b});
  }
  EXPECT_EQ(latency_buckets().front(), 0.005);
  EXPECT_EQ(latency_buckets().back(), 3600);
  EXPECT_EQ(fast_latency_buckets().front(), 0.0001);
  EXPECT_EQ(fast_latency_buckets().back(), 5);
}
