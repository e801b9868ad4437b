#include "tools/engine/properties.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <vector>

#include "invariants/integrity_checker.hpp"
#include "invariants/membership/no_redelivery_checker.hpp"
#include "invariants/membership/primary_component_checker.hpp"
#include "invariants/membership/rejoin_consistency_checker.hpp"
#include "invariants/membership/uniform_agreement_checker.hpp"
#include "invariants/membership/view_agreement_checker.hpp"
#include "invariants/membership/virtual_synchrony_checker.hpp"
#include "invariants/progress/progress_checker.hpp"
#include "invariants/ring/token_checker.hpp"
#include "invariants/total_order_checker.hpp"
#include "invariants/trains/clock_bound_checker.hpp"
#include "invariants/trains/key_uniqueness_checker.hpp"
#include "invariants/trains/train_integrity_checker.hpp"
#include "invariants/validity_checker.hpp"
#include "tools/protocols/trains/reference_check.hpp"

namespace ry {
namespace {

// The list is the checkers' names, no more and no fewer: a new checker must be added to it.
TEST(Properties, AreExactlyTheNamesTheCheckersReport) {
  Verdict v;
  std::vector<std::unique_ptr<Checker>> checkers;
  checkers.push_back(std::make_unique<IntegrityChecker>(v));
  checkers.push_back(std::make_unique<membership::NoRedeliveryChecker>(v));
  checkers.push_back(std::make_unique<membership::PrimaryComponentChecker>(v));
  checkers.push_back(std::make_unique<membership::RejoinConsistencyChecker>(v));
  checkers.push_back(std::make_unique<membership::UniformAgreementChecker>(v));
  checkers.push_back(std::make_unique<membership::ViewAgreementChecker>(v));
  checkers.push_back(std::make_unique<membership::VirtualSynchronyChecker>(v));
  checkers.push_back(std::make_unique<ring::TokenChecker>(v, 3));
  checkers.push_back(std::make_unique<TotalOrderChecker>(v));
  checkers.push_back(std::make_unique<trains::ClockBoundChecker>(v, 3, 1));
  checkers.push_back(std::make_unique<trains::KeyUniquenessChecker>(v));
  checkers.push_back(std::make_unique<trains::TrainIntegrityChecker>(v));
  checkers.push_back(std::make_unique<ValidityChecker>(v));
  checkers.push_back(std::make_unique<ProgressChecker>(v, 3, ProgressBounds{}));
  checkers.push_back(std::make_unique<trains::ReferenceCheck>(v, trains::Config{}));
  // Each checker's name is a property of a protocol that runs it.
  for (const auto& c : checkers) {
    const bool ring = c->name() == "ring_token";
    EXPECT_TRUE(is_property(ring ? "ring" : "trains", c->name())) << c->name();
  }
  EXPECT_TRUE(is_property("trains", "linearizability"));  // kv workload
  EXPECT_TRUE(is_property("raft", "election_safety"));
  EXPECT_FALSE(is_property("ring", "linearizability"));
}

TEST(Properties, RefuseNamesNoCheckerReports) {
  EXPECT_FALSE(is_property("trains", "total_order"));
  EXPECT_FALSE(is_property("trains", ""));
  EXPECT_FALSE(is_property("trains", "UNIFORM_TOTAL_ORDER"));
  EXPECT_FALSE(is_property("ring", "uniform_total_order"));
  EXPECT_FALSE(is_property("nope", "integrity"));
}

}  // namespace
}  // namespace ry
