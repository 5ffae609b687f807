# Postern: `make run` starts the relay, `make test` runs every test. Both install missing
# Debian packages first (scripts/install-deps.sh; idempotent, never upgrades).
BUILD ?= build
JOBS ?= 2
CONFIG ?= var/postern.toml
CMAKE_FLAGS ?=

.PHONY: all deps deps-build build run test test-asan test-tsan fuzz bench crash clean

all: build

deps:
	@scripts/install-deps.sh all

deps-build:
	@scripts/install-deps.sh build

$(BUILD)/build.ninja:
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo $(CMAKE_FLAGS)

build: deps-build $(BUILD)/build.ninja
	cmake --build $(BUILD) -j$(JOBS)

run: build
	$(BUILD)/postern -c $(CONFIG) init
	exec $(BUILD)/postern -c $(CONFIG) serve

test: deps build
	cd $(BUILD) && ctest --output-on-failure -j$(JOBS) --timeout 600

# AddressSanitizer + UndefinedBehaviorSanitizer (docs/reliability.md "Sanitizers"): the whole
# suite against an instrumented build (unit tests and the server the e2e tests start). Reports
# go to build-asan/asan-reports/ (the e2e harness does not see the server's exit status), and any
# report fails the rule, as in test-tsan. CI runs it after `make test`. Left out: the two tests
# that measure time and memory (e2e.enumeration: medians of Argon2id timings; e2e.hostile: RSS
# bounds and descriptor limits), which ASan's shadow memory, quarantine and slowdown make
# meaningless; both run in `make test`.
ASAN_EXCLUDE ?= ^e2e\.(enumeration|hostile)$$
ASAN_OPTIONS_RUN = detect_leaks=1 abort_on_error=0 log_path=$(CURDIR)/build-asan/asan-reports/asan
UBSAN_OPTIONS_RUN = print_stacktrace=1 halt_on_error=1 log_path=$(CURDIR)/build-asan/asan-reports/ubsan
test-asan: deps
	cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPOSTERN_SANITIZE=ON $(CMAKE_FLAGS)
	cmake --build build-asan -j$(JOBS)
	rm -rf build-asan/asan-reports && mkdir -p build-asan/asan-reports
	cd build-asan && ASAN_OPTIONS="$(ASAN_OPTIONS_RUN)" UBSAN_OPTIONS="$(UBSAN_OPTIONS_RUN)" \
	  ctest --output-on-failure -j$(JOBS) --timeout 1200 -E '$(ASAN_EXCLUDE)'
	@if ls build-asan/asan-reports/* >/dev/null 2>&1; then \
	  cat build-asan/asan-reports/*; \
	  echo "ASan/UBSan: $$(ls build-asan/asan-reports | wc -l) process(es) reported errors (above)"; exit 1; \
	else echo "ASan/UBSan: no reports"; fi

# ThreadSanitizer (docs/reliability.md "Sanitizers"): the tests that run threads, plus two e2e
# tests against the TSan-built server. Reports go to build-tsan/tsan-reports/ (the server's
# own exit status is not seen by the e2e harness), and any report fails the rule.
# tsan.supp lists the suppressed reports, each with its justification.
TSAN_BINARIES = postern postern_concurrency_test postern_metrics_test postern_auth_test \
  postern_queue_test postern_net_test postern_webhooks_test postern_policy_test \
  postern_http_test postern_dkim_test postern_storage_test
TSAN_TESTS ?= ^(concurrency|metrics|auth|queue|net|webhooks|policy|http)\.|^dkim\.SignerTest\.ThreadSafe|^storage\..*(Concurren|Thread)|^e2e\.(clients|crash)$$
TSAN_EXCLUDE ?= promtool
TSAN_OPTIONS_RUN = halt_on_error=0 second_deadlock_stack=1 history_size=4 \
  suppressions=$(CURDIR)/tsan.supp log_path=$(CURDIR)/build-tsan/tsan-reports/report
test-tsan: deps
	cmake -S . -B build-tsan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPOSTERN_TSAN=ON $(CMAKE_FLAGS)
	cmake --build build-tsan -j$(JOBS) --target $(TSAN_BINARIES)
	rm -rf build-tsan/tsan-reports && mkdir -p build-tsan/tsan-reports
	cd build-tsan && TSAN_OPTIONS="$(TSAN_OPTIONS_RUN)" ctest -R '$(TSAN_TESTS)' -E '$(TSAN_EXCLUDE)' \
	  --output-on-failure -j$(JOBS) --timeout 1200
	@if ls build-tsan/tsan-reports/report.* >/dev/null 2>&1; then \
	  cat build-tsan/tsan-reports/report.*; \
	  echo "ThreadSanitizer: $$(ls build-tsan/tsan-reports | wc -l) process(es) reported races (above)"; exit 1; \
	else echo "ThreadSanitizer: no reports"; fi

# The load generator; `bench/compare.sh` runs it against Postern and Postfix (bench/README.md).
bench: deps-build $(BUILD)/build.ninja
	cmake --build $(BUILD) -j$(JOBS) --target smtpload

# The long crash-safety run (bench/crash.sh; about 5 minutes): 20 SIGKILLs during 5,000 messages.
crash: build
	POSTERN_BIN=$(BUILD)/postern bench/crash.sh

FUZZ_SECONDS ?= 60
fuzz: deps
	cmake -S . -B build-fuzz -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DPOSTERN_FUZZ=ON \
	  -DPOSTERN_SKIP="e2e;browser;app;bench"
	# Only the fuzzers: the Asio coroutine code does not build with clang's instrumentation.
	cmake --build build-fuzz -j$(JOBS) --target $$(ninja -C build-fuzz -t targets all | grep -o '^[a-z_]*_fuzz:' | grep -v '^cmake_' | tr -d :)
	scripts/run-fuzzers.sh build-fuzz $(FUZZ_SECONDS)

clean:
	rm -rf $(BUILD) build-asan build-tsan build-fuzz
