#include <catch2/catch.hpp>
TEST_CASE("byzantine_test placeholder", "[sim]") {}
