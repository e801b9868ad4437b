# End-to-end and quality-gate tests run by CTest, with labels (README.md).
add_test(NAME cli COMMAND ${CMAKE_SOURCE_DIR}/tools/scripts/cli_test.sh $<TARGET_FILE:railyard>)
set_tests_properties(cli PROPERTIES LABELS "cli" TIMEOUT 300)
add_test(NAME determinism_same_seed
         COMMAND ${CMAKE_SOURCE_DIR}/tools/scripts/determinism_test.sh $<TARGET_FILE:railyard> 15)
set_tests_properties(determinism_same_seed PROPERTIES LABELS "determinism" TIMEOUT 600)
add_test(NAME lint_determinism COMMAND ${CMAKE_SOURCE_DIR}/tools/scripts/lint_determinism.sh)
add_test(NAME lint_determinism_fires COMMAND ${CMAKE_SOURCE_DIR}/tools/scripts/lint_selftest.sh)
add_test(NAME format COMMAND ${CMAKE_SOURCE_DIR}/tools/scripts/check_format.sh)
set_tests_properties(lint_determinism lint_determinism_fires format PROPERTIES LABELS "lint")
add_test(NAME seeds_corpus COMMAND ${CMAKE_SOURCE_DIR}/tools/scripts/seeds_test.sh $<TARGET_FILE:railyard>)
add_test(NAME planted_bugs COMMAND ${CMAKE_SOURCE_DIR}/tools/scripts/planted_bugs_test.sh $<TARGET_FILE:railyard>)
add_test(NAME soak_trains_mild
         COMMAND $<TARGET_FILE:railyard> soak --protocol trains --seeds 1..100 --jobs 2
                 --time-ms 300 --summary ${CMAKE_BINARY_DIR}/soak-trains.json)
add_test(NAME soak_ring_mild
         COMMAND $<TARGET_FILE:railyard> soak --protocol ring --seeds 1..100 --jobs 2
                 --summary ${CMAKE_BINARY_DIR}/soak-ring.json)
set_tests_properties(seeds_corpus planted_bugs PROPERTIES LABELS "seeds" TIMEOUT 600)
add_test(NAME soak_trains_swarm
         COMMAND $<TARGET_FILE:railyard> soak --protocol trains --swarm --seeds 1..200 --jobs 2
                 --time-ms 300 --summary ${CMAKE_BINARY_DIR}/soak-trains-swarm.json)
add_test(NAME soak_trains_swarm_7
         COMMAND $<TARGET_FILE:railyard> soak --protocol trains --swarm --nodes 7 --seeds 1..100
                 --jobs 2 --time-ms 300 --summary ${CMAKE_BINARY_DIR}/soak-trains-swarm-7.json)
add_test(NAME soak_ring_swarm
         COMMAND $<TARGET_FILE:railyard> soak --protocol ring --swarm --seeds 1..200 --jobs 2
                 --time-ms 300 --summary ${CMAKE_BINARY_DIR}/soak-ring-swarm.json)
set_tests_properties(soak_trains_mild soak_ring_mild soak_trains_swarm soak_trains_swarm_7
                     soak_ring_swarm PROPERTIES LABELS "soak" TIMEOUT 600)

# Every scenario file must produce its expected outcome (scenarios/README.md).
file(GLOB_RECURSE scenario_files CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/scenarios/*.json)
foreach(scenario ${scenario_files})
  get_filename_component(scenario_name ${scenario} NAME_WE)
  add_test(NAME scenario_${scenario_name}
           COMMAND $<TARGET_FILE:railyard> run --scenario ${scenario} --quiet)
  set_tests_properties(scenario_${scenario_name} PROPERTIES LABELS "scenarios" TIMEOUT 120)
endforeach()

# Sharded soaks: soak --shard, soak-merge and --junit on one machine (label cli); the same under
# GNU parallel and a single-node Slurm cluster (label cluster: installs Debian packages and starts
# daemons, so it can be run on its own with ctest -L cluster, or left out with -LE cluster).
add_test(NAME soak_shard
         COMMAND ${CMAKE_SOURCE_DIR}/tools/scripts/soak_shard_test.sh $<TARGET_FILE:railyard>)
set_tests_properties(soak_shard PROPERTIES LABELS "cli" TIMEOUT 300)
add_test(NAME soak_shard_parallel
         COMMAND ${CMAKE_SOURCE_DIR}/tools/scripts/shard_parallel_test.sh $<TARGET_FILE:railyard>)
set_tests_properties(soak_shard_parallel PROPERTIES LABELS "cluster" TIMEOUT 240
                     SKIP_RETURN_CODE 77 RESOURCE_LOCK cluster)
add_test(NAME soak_shard_slurm
         COMMAND ${CMAKE_SOURCE_DIR}/tools/scripts/shard_slurm_test.sh $<TARGET_FILE:railyard>)
set_tests_properties(soak_shard_slurm PROPERTIES LABELS "cluster" TIMEOUT 240
                     SKIP_RETURN_CODE 77 RESOURCE_LOCK cluster)
# The Debian package of this build (cpack -G DEB): label package.
add_test(NAME deb_package
         COMMAND ${CMAKE_SOURCE_DIR}/tools/scripts/deb_package_test.sh ${CMAKE_BINARY_DIR})
set_tests_properties(deb_package PROPERTIES LABELS "package" TIMEOUT 300)
# `railyard export`: every format on TRAINS, Raft and ring traces (README.md, "Exporting a run").
add_test(NAME export COMMAND ${CMAKE_SOURCE_DIR}/tools/scripts/export_test.sh
                             $<TARGET_FILE:railyard> ${CMAKE_BINARY_DIR}/export-npm)
set_tests_properties(export PROPERTIES LABELS "cli" TIMEOUT 1200)
# Schedule files and shrinking (README.md, "Shrink a failure").
add_test(NAME schedule_shrink
         COMMAND ${CMAKE_SOURCE_DIR}/tools/scripts/schedule_test.sh $<TARGET_FILE:railyard>)
set_tests_properties(schedule_shrink PROPERTIES LABELS "cli" TIMEOUT 600)
# `railyard view`: pages of TRAINS, Raft and failing runs checked in Debian's chromium against
# their traces (traces/view/README.md); screenshots are kept in view-artifacts. It shares the npm
# folder of export, so the two never install into it at once.
add_test(NAME view COMMAND ${CMAKE_SOURCE_DIR}/tools/scripts/view_test.sh $<TARGET_FILE:railyard>
                           ${CMAKE_BINARY_DIR}/export-npm ${CMAKE_BINARY_DIR}/view-artifacts)
set_tests_properties(view PROPERTIES LABELS "cli;export" TIMEOUT 900)
set_tests_properties(export view PROPERTIES RESOURCE_LOCK export_npm)
