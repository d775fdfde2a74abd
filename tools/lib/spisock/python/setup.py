# SPDX-License-Identifier: GPL-2.0
# The Python package spisock: pure Python over the extension spisock._spisock,
# which compiles libspisock's sources in (no installed library needed).
# `make -C tools/lib/spisock python` builds it into build/lib/python;
# `pip install --no-build-isolation tools/lib/spisock/python` installs it
# with Debian's python3-dev and setuptools (no PyPI). SPISOCK_TOP names the
# source tree when this directory is built from a copy.
import os
from setuptools import setup, Extension

here = os.path.dirname(os.path.abspath(__file__))
top = os.path.abspath(os.environ.get("SPISOCK_TOP", os.path.join(here, "../../../..")))
lib = os.path.join(top, "tools/lib/spisock")
lib_srcs = ["addr.c", "family.c", "timeout.c", "socket.c", "nl.c", "wifi.c"]

setup(
    name="spisock",
    version="0.1",
    description="the reference socket API on AF_SPISOCK sockets",
    packages=["spisock"],
    scripts=["spisock-run"],
    ext_modules=[Extension(
        "spisock._spisock",
        sources=["_spisock.c"] +
                [os.path.join(lib, f) for f in lib_srcs],
        include_dirs=[lib, os.path.join(top, "include/uapi")],
        define_macros=[("_GNU_SOURCE", None)],
        libraries=["mnl"],
        extra_compile_args=["-std=gnu11", "-Wall", "-Wextra", "-Wno-unused-parameter",
                            "-Wno-missing-field-initializers",
                            "-Wno-cast-function-type", "-Werror"],
    )],
)
