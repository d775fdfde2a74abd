# SPDX-License-Identifier: GPL-2.0
# The Python module spisock over libspisock's static library. Built by
# tools/lib/spisock/Makefile (`make python`): Debian's python3-dev and
# setuptools, no build isolation, no PyPI.
import os
from setuptools import setup, Extension

top = os.environ.get("SPISOCK_TOP", os.path.abspath("../../../.."))
lib = os.environ.get("SPISOCK_LIB", os.path.join(top, "build/lib"))
here = os.path.dirname(os.path.abspath(__file__))

setup(
    name="spisock",
    version="0.1",
    description="the reference socket API on AF_SPISOCK sockets",
    ext_modules=[Extension(
        "spisock",
        sources=[os.path.join(here, "spisockmodule.c")],
        include_dirs=[os.path.dirname(here), os.path.join(top, "include/uapi")],
        extra_objects=[os.path.join(lib, "libspisock.a")],
        libraries=["mnl"],
        extra_compile_args=["-Wall", "-Wextra", "-Wno-unused-parameter",
                            "-Wno-missing-field-initializers",
                            "-Wno-cast-function-type", "-Werror"],
    )],
)
