#include <catch2/catch.hpp>
TEST_CASE("checker_selftest_test placeholder", "[sim]") {}
