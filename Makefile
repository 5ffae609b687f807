# Postern: `make run` starts the relay, `make test` runs every test. Both install missing
# Debian packages first (scripts/install-deps.sh; idempotent, never upgrades).
BUILD ?= build
JOBS ?= 2
CONFIG ?= var/postern.toml
CMAKE_FLAGS ?=

.PHONY: all deps deps-build build run test test-asan fuzz bench clean

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

test-asan:
	$(MAKE) test BUILD=build-asan CMAKE_FLAGS=-DPOSTERN_SANITIZE=ON

# The load generator; `bench/compare.sh` runs it against Postern and Postfix (bench/README.md).
bench: deps-build $(BUILD)/build.ninja
	cmake --build $(BUILD) -j$(JOBS) --target smtpload

FUZZ_SECONDS ?= 60
fuzz: deps
	cmake -S . -B build-fuzz -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DPOSTERN_FUZZ=ON \
	  -DPOSTERN_SKIP="e2e;browser;app;bench"
	# Only the fuzzers: the Asio coroutine code does not build with clang's instrumentation.
	cmake --build build-fuzz -j$(JOBS) --target $$(ninja -C build-fuzz -t targets all | grep -o '^[a-z_]*_fuzz:' | grep -v '^cmake_' | tr -d :)
	scripts/run-fuzzers.sh build-fuzz $(FUZZ_SECONDS)

clean:
	rm -rf $(BUILD) build-asan build-fuzz
