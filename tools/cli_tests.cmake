# End-to-end and quality-gate tests run by CTest, with labels (docs/style.md).
add_test(NAME cli COMMAND ${CMAKE_SOURCE_DIR}/tools/cli_test.sh $<TARGET_FILE:railyard>)
set_tests_properties(cli PROPERTIES LABELS "cli" TIMEOUT 300)
add_test(NAME determinism_same_seed
         COMMAND ${CMAKE_SOURCE_DIR}/tools/determinism_test.sh $<TARGET_FILE:railyard> 15)
set_tests_properties(determinism_same_seed PROPERTIES LABELS "determinism" TIMEOUT 600)
add_test(NAME lint_determinism COMMAND ${CMAKE_SOURCE_DIR}/tools/lint_determinism.sh)
add_test(NAME lint_determinism_fires COMMAND ${CMAKE_SOURCE_DIR}/tools/lint_selftest.sh)
add_test(NAME format COMMAND ${CMAKE_SOURCE_DIR}/tools/check_format.sh)
set_tests_properties(lint_determinism lint_determinism_fires format PROPERTIES LABELS "lint")
