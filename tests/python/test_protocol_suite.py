"""Debian's jupyter_kernel_test (0.4.5) against the kernel, with a Java sample for every attribute it has.

Each attribute below switches on one of its tests (left empty, the test is skipped): kernel_info,
execute (stdout, stderr, errors, results, display data, clear_output), completion, is_complete, the pager,
history (tail, range, search) and inspect. Messages are checked against its schema of protocol 5.
"""
import unittest

import jupyter_kernel_test


class JavaKernelTests(jupyter_kernel_test.KernelTests):
    kernel_name = "java"  # installed from this build by conftest.py

    # kernel_info_reply's language_info
    language_name = "java"
    file_extension = ".jshell"

    # stream output
    code_hello_world = 'System.out.println("hello, world");'
    code_stderr = 'System.err.println("something went wrong");'

    # complete_request: JShell's continuations (a method's ends with "("), magic names after %
    completion_samples = [
        {"text": "Integer.MAX_", "matches": {"MAX_VALUE"}},
        {"text": "System.out.printl", "matches": {"println("}},
        {"text": "Math.ab", "matches": {"abs(", "absExact("}},
        {"text": "%lsm", "matches": {"%lsmagic"}},
        {"text": '"abc".toUpperCa', "matches": {"toUpperCase("}},
        {"text": "int a = 1;\nMath.ab", "matches": {"abs(", "absExact("}},
    ]

    # is_complete_request
    complete_code_samples = ["1+1", "int x = 1;", "void f() {}", "import java.util.*;", "for (int i = 0; i < 3; i++) {}"]
    incomplete_code_samples = ["void f() {", "int x = (1 +", "for (int i = 0; i < 3; i++) {", "class A {"]
    invalid_code_samples = ["}", ")", "int x = 1; }"]

    # execute_reply payload with source "page": `name?` pages the documentation, as in IPython
    code_page_something = "Math.max?"

    # one error message and status "error"
    code_generate_error = 'throw new IllegalStateException("boom");'

    # execute_result (text/plain unless "mime" says otherwise)
    code_execute_result = [
        {"code": "6*7", "result": "42"},
        {"code": "1+2+3", "result": "6"},
        {"code": "Math.max(3, 5)", "result": "5"},
        {"code": "java.util.List.of(1, 2, 3)", "result": "[1, 2, 3]"},
        {"code": 'html("<b>bold</b>")', "mime": "text/html", "result": "<b>bold</b>"},
    ]

    # display_data from display(...), available in every cell without imports
    code_display_data = [
        {"code": 'display(html("<i>hi</i>"));', "mime": "text/html"},
        {"code": 'display(markdown("*hi*"));', "mime": "text/markdown"},
        {"code": 'display(image(new java.awt.image.BufferedImage(4, 4, java.awt.image.BufferedImage.TYPE_INT_RGB)));',
         "mime": "image/png"},
    ]

    # history: a glob matching exactly one of code_execute_result's inputs
    code_history_pattern = "1+2*"
    supported_history_operations = ("tail", "range", "search")

    # inspect_request at the end of the code
    code_inspect_sample = "Math.max"

    # clear_output message
    code_clear_output = 'System.out.println("soon gone"); clearOutput();'


if __name__ == "__main__":
    unittest.main()
