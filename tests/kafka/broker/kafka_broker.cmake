# The shared Apache Kafka broker fixture for CTest (see README.md beside this file).
#
# Include this file from any test directory, then opt a test in after creating it:
#   include(${CMAKE_SOURCE_DIR}/tests/kafka/broker/kafka_broker.cmake)
#   kappa_add_test(test_kafka_log SOURCES ... LABELS integration)
#   kappa_kafka_test(test_kafka_log)
# The test then runs only after kafka_broker_start has brought the broker up, and finds its
# address ("127.0.0.1:PORT", one line) in the file named by KAPPA_KAFKA_BOOTSTRAP_FILE.
# Fixtures are matched by name when CTest runs, so the order in which the directories are added
# does not matter. No include guard: each including directory needs its own (directory-scoped)
# Python3::Interpreter target and the variables below.

find_package(Python3 REQUIRED COMPONENTS Interpreter)

set(KAPPA_KAFKA_BROKER_SCRIPT ${CMAKE_CURRENT_LIST_DIR}/kafka_broker.py)
set(KAPPA_KAFKA_BROKER_DIR ${CMAKE_BINARY_DIR}/kafka-broker)
set(KAPPA_KAFKA_BOOTSTRAP_FILE ${KAPPA_KAFKA_BROKER_DIR}/bootstrap)

# kappa_kafka_test(NAME...): the tests named (already created in the calling directory) need the
# broker: fixture, label `kafka` and the environment variable, added to what they have.
function(kappa_kafka_test)
    foreach(name IN LISTS ARGN)
        set_property(TEST ${name} APPEND PROPERTY FIXTURES_REQUIRED kafka_broker)
        set_property(TEST ${name} APPEND PROPERTY LABELS kafka)
        # One at a time on the shared broker: they are heavy, and the broker shares the machine.
        set_property(TEST ${name} APPEND PROPERTY RESOURCE_LOCK kafka_broker)
        set_property(TEST ${name} APPEND PROPERTY ENVIRONMENT
            "KAPPA_KAFKA_BOOTSTRAP_FILE=${KAPPA_KAFKA_BOOTSTRAP_FILE}"
            "KAPPA_KAFKA_BROKER_DIR=${KAPPA_KAFKA_BROKER_DIR}"
            "KAPPA_KAFKA_BROKER_SCRIPT=${KAPPA_KAFKA_BROKER_SCRIPT}")
    endforeach()
endfunction()
