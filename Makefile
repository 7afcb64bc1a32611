# newsim — set-up, build, tests and benchmarks. On a fresh machine `make demo` and `make test`
# install everything they need (system packages with apt-get, Python packages into .venv).

PYTHON      ?= python3
VENV        := .venv
VPY         := $(VENV)/bin/python
STAMPS      := .make
APT_PACKAGES := libicu-dev libeigen3-dev libstemmer-dev libgtest-dev pkg-config
export NEWSIM_DATA_DIR ?= $(abspath ../shared/data)
JOBS        ?= 2

SOURCES := $(shell find cpp python -type f \( -name '*.cpp' -o -name '*.hpp' -o -name '*.py' -o -name '*.pyi' -o -name '*.txt' -o -name 'py.typed' \) 2>/dev/null) CMakeLists.txt pyproject.toml $(wildcard cmake/*.cmake)

.PHONY: all deps install demo test test-cpp test-python test-asan lint bench bench-quick clean

all: install

# ------------------------------------------------------------------------------- set-up
$(STAMPS)/deps:
	@mkdir -p $(STAMPS)
	@if ! dpkg -s $(APT_PACKAGES) >/dev/null 2>&1; then \
	  echo "Installing system packages: $(APT_PACKAGES)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(APT_PACKAGES); \
	fi
	@touch $@

deps: $(STAMPS)/deps

$(STAMPS)/venv: $(STAMPS)/deps
	@mkdir -p $(STAMPS)
	test -x $(VPY) || $(PYTHON) -m venv $(VENV)
	$(VPY) -m pip install -q --upgrade pip
	$(VPY) -m pip install -q cmake ninja
	@touch $@

$(STAMPS)/install: $(STAMPS)/venv $(SOURCES)
	$(VPY) -m pip install -q ".[test,dev,notebook,bench]"
	@touch $@

install: $(STAMPS)/install

# ------------------------------------------------------------------------------- the main job
demo: install
	$(VENV)/bin/newsim demo

# ------------------------------------------------------------------------------- tests
test: install test-cpp test-asan lint test-python

test-cpp: $(STAMPS)/venv
	$(VENV)/bin/cmake -S . -B build/cpp-tests -G Ninja -DCMAKE_MAKE_PROGRAM=$(abspath $(VENV)/bin/ninja) \
	  -DNEWSIM_BUILD_PYTHON=OFF -DNEWSIM_BUILD_TESTS=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo
	$(VENV)/bin/cmake --build build/cpp-tests -j $(JOBS)
	cd build/cpp-tests && $(abspath $(VENV)/bin/ctest) --output-on-failure -j $(JOBS)

test-python: install
	$(VENV)/bin/pytest -q

lint: install
	$(VENV)/bin/ruff check python tests benchmarks
	$(VENV)/bin/ruff format --check python tests benchmarks
	$(VENV)/bin/mypy

# ------------------------------------------------------------------------------- benchmarks
bench: install
	$(VPY) benchmarks/bench_vectorize.py --copies 10 --rounds 5 --out benchmarks/RESULTS.md
	$(VPY) benchmarks/bench_similarity.py --n 10000 --rounds 3 --out benchmarks/RESULTS.md
	$(VPY) benchmarks/quality.py --k 1 5 10

bench-quick: install
	$(VPY) benchmarks/bench_vectorize.py --quick
	$(VPY) benchmarks/bench_similarity.py --quick

clean:
	rm -rf build $(STAMPS) $(VENV) .pytest_cache .ruff_cache .mypy_cache .hypothesis

# ------------------------------------------------------------------------------- sanitizers
test-asan: $(STAMPS)/venv
	$(VENV)/bin/cmake -S . -B build/asan -G Ninja -DCMAKE_MAKE_PROGRAM=$(abspath $(VENV)/bin/ninja) \
	  -DNEWSIM_BUILD_PYTHON=OFF -DNEWSIM_BUILD_TESTS=ON -DNEWSIM_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug
	$(VENV)/bin/cmake --build build/asan -j $(JOBS)
	cd build/asan && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  $(abspath $(VENV)/bin/ctest) --output-on-failure -j $(JOBS)
