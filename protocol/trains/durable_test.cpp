#include "protocol/trains/durable.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <initializer_list>
#include <limits>
#include <string>
#include <vector>

#include "protocol/common/hash.hpp"
#include "protocol/common/log_digest.hpp"

namespace ry::trains {
namespace {

using Records = std::vector<std::string>;

constexpr std::uint64_t all_ones = std::numeric_limits<std::uint64_t>::max();

std::uint64_t content_of(std::uint64_t position) { return hash_u64(fnv_offset, position * 7 + 1); }

// The record of position p in the test logs: a different id and content at every position.
DeliveredRecord delivered(std::uint64_t position) {
  return DeliveredRecord{position,
                         MsgId{NodeId{static_cast<std::uint32_t>(position % 3)}, position},
                         content_of(position)};
}

// The digest of positions first..last of the test log, folded onto `prefix`.
std::uint64_t fold(std::uint64_t prefix, std::uint64_t first, std::uint64_t last) {
  for (std::uint64_t p = first; p <= last; ++p) {
    const DeliveredRecord r = delivered(p);
    prefix = log_digest(prefix, Delivery{r.id, r.digest});
  }
  return prefix;
}

Records encoded(std::initializer_list<Record> records) {
  Records out;
  for (const Record& r : records) out.push_back(encode(r));
  return out;
}

// Delivered records first..last, encoded, appended to `out`.
void append_log(Records& out, std::uint64_t first, std::uint64_t last) {
  for (std::uint64_t p = first; p <= last; ++p) out.push_back(encode(delivered(p)));
}

// A record framed by hand, independently of encode(): magic, kind, u32 length, payload, checksum.
std::string le(std::uint64_t value, std::size_t width) {
  std::string out;
  for (std::size_t i = 0; i < width; ++i)
    out.push_back(static_cast<char>((value >> (8 * i)) & 0xffU));
  return out;
}
std::string frame(unsigned char magic, unsigned char kind, const std::string& payload) {
  std::string out;
  out.push_back(static_cast<char>(magic));
  out.push_back(static_cast<char>(kind));
  out += le(payload.size(), 4);
  out += payload;
  return out + le(stream_hash(out), 8);
}

const std::vector<Record>& samples() {
  static const std::vector<Record> records = {
      ViewRecord{ViewId{7}, {NodeId{0}, NodeId{2}, NodeId{4}}},
      ViewRecord{ViewId{all_ones}, {}},
      DeliveredRecord{1, MsgId{NodeId{3}, 42}, 0xfeedfacecafebeefULL},
      DeliveredRecord{all_ones, MsgId{NodeId{0xffffffffU}, all_ones}, all_ones},
      SnapshotRecord{100, 0x0123456789abcdefULL},
      SnapshotRecord{0, log_digest_empty},
      ReservationRecord{64},
      ReservationRecord{all_ones},
  };
  return records;
}

// ---- The codec.

TEST(DurableCodec, EveryKindRoundTrips) {
  for (const Record& r : samples()) {
    const std::optional<Record> back = decode(encode(r));
    ASSERT_TRUE(back.has_value()) << "kind " << r.index();
    EXPECT_EQ(*back, r) << "kind " << r.index();
  }
}

TEST(DurableCodec, LayoutIsFixedLittleEndianWhateverTheHost) {
  const std::string payload =
      "\x08\x07\x06\x05\x04\x03\x02\x01"   // position
      "\x0d\x0c\x0b\x0a"                   // sender
      "\x18\x17\x16\x15\x14\x13\x12\x11"   // seq
      "\x28\x27\x26\x25\x24\x23\x22\x21";  // digest
  const DeliveredRecord r{0x0102030405060708ULL, MsgId{NodeId{0x0a0b0c0dU}, 0x1112131415161718ULL},
                          0x2122232425262728ULL};
  EXPECT_EQ(encode(r), frame(0xd5, 2, payload));
  EXPECT_EQ(encode(SnapshotRecord{1, 2}), frame(0xd5, 3, le(1, 8) + le(2, 8)));
  EXPECT_EQ(encode(ReservationRecord{0x40}), frame(0xd5, 4, le(0x40, 8)));
  EXPECT_EQ(encode(ViewRecord{ViewId{5}, {NodeId{1}, NodeId{3}}}),
            frame(0xd5, 1, le(5, 8) + le(2, 4) + le(1, 4) + le(3, 4)));
}

TEST(DurableCodec, RejectsEverySingleBitFlip) {
  for (const Record& r : samples()) {
    const std::string good = encode(r);
    for (std::size_t bit = 0; bit < good.size() * 8; ++bit) {
      std::string bad = good;
      bad[bit / 8] =
          static_cast<char>(static_cast<unsigned char>(bad[bit / 8]) ^ (1U << (bit % 8)));
      EXPECT_FALSE(decode(bad).has_value()) << "kind " << r.index() << " bit " << bit;
    }
  }
}

TEST(DurableCodec, RejectsEveryStrictPrefix) {
  for (const Record& r : samples()) {
    const std::string good = encode(r);
    for (std::size_t length = 0; length < good.size(); ++length) {
      EXPECT_FALSE(decode(good.substr(0, length)).has_value())
          << "kind " << r.index() << " length " << length;
    }
  }
}

TEST(DurableCodec, RejectsTrailingBytes) {
  for (const Record& r : samples()) {
    const std::string good = encode(r);
    EXPECT_FALSE(decode(good + '\0').has_value());
    EXPECT_FALSE(decode(good + good).has_value());
  }
}

// Well-framed records (right checksum and length) that still must not decode: the checks behind
// the checksum, each on its own.
TEST(DurableCodec, RejectsUnknownKindBadMagicAndWrongPayloadSize) {
  const std::string snapshot_payload = le(9, 8) + le(10, 8);
  ASSERT_TRUE(decode(frame(0xd5, 3, snapshot_payload)).has_value());  // the control
  for (const unsigned kind : {0U, 4U, 0x83U, 0xffU}) {
    EXPECT_FALSE(decode(frame(0xd5, static_cast<unsigned char>(kind), snapshot_payload)))
        << "kind " << kind;
  }
  EXPECT_FALSE(decode(frame(0xd4, 3, snapshot_payload)));
  // A payload one byte short or long for its kind.
  EXPECT_FALSE(decode(frame(0xd5, 3, snapshot_payload + 'x')));
  EXPECT_FALSE(decode(frame(0xd5, 3, snapshot_payload.substr(1))));
  EXPECT_FALSE(decode(frame(0xd5, 2, snapshot_payload)));  // a snapshot's size as a delivery
  // A view whose member count disagrees with its length, including one that would wrap round.
  EXPECT_TRUE(decode(frame(0xd5, 1, le(1, 8) + le(1, 4) + le(6, 4))));  // the control
  EXPECT_FALSE(decode(frame(0xd5, 1, le(1, 8) + le(2, 4) + le(6, 4))));
  EXPECT_FALSE(decode(frame(0xd5, 1, le(1, 8) + le(0x40000001U, 4) + le(6, 4))));
  // A length field that disagrees with the bytes.
  std::string lying = encode(SnapshotRecord{9, 10});
  lying[2] = static_cast<char>(lying[2] + 1);
  lying = lying.substr(0, lying.size() - 8);
  lying += le(stream_hash(lying), 8);
  EXPECT_FALSE(decode(lying));
}

// ---- Recovery.

void expect_clean(const Recovered& r) {
  EXPECT_FALSE(r.truncated_at.has_value());
  EXPECT_EQ(r.dropped.unverified, 0U);
  EXPECT_EQ(r.dropped.out_of_order, 0U);
  EXPECT_EQ(r.dropped.after_truncation, 0U);
}

TEST(DurableRecover, EmptyDiskIsAnEmptyLog) {
  const Recovered r = recover({});
  expect_clean(r);
  EXPECT_FALSE(r.view.has_value());
  EXPECT_FALSE(r.snapshot.has_value());
  EXPECT_EQ(r.position(), 0U);
  EXPECT_EQ(r.log_digest, log_digest_empty);
}

TEST(DurableRecover, CleanLogIsRecoveredWhole) {
  const ViewRecord view{ViewId{1}, {NodeId{0}, NodeId{1}, NodeId{2}}};
  Records records = encoded({view});
  append_log(records, 1, 5);
  const Recovered r = recover(records);
  expect_clean(r);
  EXPECT_EQ(r.view, view);
  EXPECT_FALSE(r.snapshot.has_value());
  ASSERT_EQ(r.tail.size(), 5U);
  for (std::uint64_t p = 1; p <= 5; ++p) EXPECT_EQ(r.tail[p - 1], delivered(p));
  EXPECT_EQ(r.position(), 5U);
  EXPECT_EQ(r.log_digest, fold(log_digest_empty, 1, 5));
}

TEST(DurableRecover, TornLastRecordIsDroppedAndTheRestKept) {
  Records records;
  append_log(records, 1, 4);
  const std::string last = encode(delivered(5));
  for (std::size_t length = 1; length < last.size(); ++length) {
    Records torn = records;
    torn.push_back(last.substr(0, length));
    const Recovered r = recover(torn);
    EXPECT_EQ(r.position(), 4U) << "length " << length;
    EXPECT_EQ(r.log_digest, fold(log_digest_empty, 1, 4));
    EXPECT_EQ(r.dropped.unverified, 1U);
    EXPECT_EQ(r.truncated_at, 4U);
  }
}

TEST(DurableRecover, CorruptMiddleRecordTruncatesTheLogThere) {
  Records clean = encoded({ViewRecord{ViewId{3}, {NodeId{1}}}});
  append_log(clean, 1, 6);
  const std::size_t victim = 3;  // holds position 3
  for (std::size_t bit = 0; bit < clean[victim].size() * 8; ++bit) {
    Records records = clean;
    std::string& bad = records[victim];
    bad[bit / 8] = static_cast<char>(static_cast<unsigned char>(bad[bit / 8]) ^ (1U << (bit % 8)));
    const Recovered r = recover(records);
    EXPECT_EQ(r.position(), 2U) << "bit " << bit;
    EXPECT_EQ(r.log_digest, fold(log_digest_empty, 1, 2));
    EXPECT_EQ(r.truncated_at, victim);
    EXPECT_EQ(r.dropped.unverified, 1U);
    EXPECT_EQ(r.dropped.after_truncation, 3U);  // positions 4..6 verify but are not used
    EXPECT_EQ(r.view->id, ViewId{3});
  }
}

// sim/disk.hpp's misdirect: the append that becomes durable overwrites one existing record
// instead (the victim is gone, the intended slot stays empty). Built by hand here: protocol/
// tests do not link sim/, and this way every victim is tried rather than one a seed picks.
TEST(DurableRecover, MisdirectedWriteTruncatesWhereItLanded) {
  Records written = encoded({ViewRecord{ViewId{2}, {NodeId{0}, NodeId{1}}}});
  append_log(written, 1, 6);
  for (std::size_t victim = 0; victim < written.size(); ++victim) {
    Records records = written;
    records[victim] = encode(delivered(7));
    const Recovered r = recover(records);
    if (victim == 0) {
      // The view was overwritten: nothing on the disk says which view the node had.
      EXPECT_FALSE(r.view.has_value());
    } else {
      EXPECT_EQ(r.view->id, ViewId{2});
    }
    // Record `victim` held position `victim`: the log keeps the positions before it.
    const std::uint64_t kept = victim == 0 ? 0 : victim - 1;
    EXPECT_EQ(r.position(), kept) << "victim " << victim;
    EXPECT_EQ(r.log_digest, fold(log_digest_empty, 1, kept));
    EXPECT_EQ(r.truncated_at, victim);
    EXPECT_EQ(r.dropped.out_of_order, 1U);
    EXPECT_EQ(r.dropped.after_truncation, written.size() - victim - 1);
  }
}

TEST(DurableRecover, GapTruncates) {
  const Recovered r = recover(encoded({delivered(1), delivered(3), delivered(4)}));
  EXPECT_EQ(r.position(), 1U);
  EXPECT_EQ(r.truncated_at, 1U);
  EXPECT_EQ(r.dropped.out_of_order, 1U);
  EXPECT_EQ(r.dropped.after_truncation, 1U);
}

TEST(DurableRecover, SnapshotReplacesTheLogAndTheTailFollowsIt) {
  const SnapshotRecord snapshot{10, 0xabcdefULL};
  Records records;
  append_log(records, 1, 3);
  records.push_back(encode(snapshot));
  append_log(records, 11, 12);
  const Recovered r = recover(records);
  expect_clean(r);
  EXPECT_EQ(r.snapshot, snapshot);
  ASSERT_EQ(r.tail.size(), 2U);
  EXPECT_EQ(r.tail[0], delivered(11));
  EXPECT_EQ(r.tail[1], delivered(12));
  EXPECT_EQ(r.position(), 12U);
  EXPECT_EQ(r.log_digest, fold(snapshot.log_digest, 11, 12));
}

TEST(DurableRecover, LaterSnapshotAheadOfTheLogWins) {
  const Recovered r = recover(
      encoded({SnapshotRecord{5, 55}, delivered(6), SnapshotRecord{20, 2020}, delivered(21)}));
  expect_clean(r);
  EXPECT_EQ(r.snapshot, (SnapshotRecord{20, 2020}));
  EXPECT_EQ(r.position(), 21U);
  EXPECT_EQ(r.log_digest, fold(2020, 21, 21));
}

TEST(DurableRecover, SnapshotBehindOrContradictingTheLogTruncates) {
  Records base;
  append_log(base, 1, 4);
  // Behind: it would take back positions the log already holds.
  Records behind = base;
  behind.push_back(encode(SnapshotRecord{2, fold(log_digest_empty, 1, 2)}));
  append_log(behind, 5, 5);
  const Recovered r1 = recover(behind);
  EXPECT_EQ(r1.position(), 4U);
  EXPECT_EQ(r1.truncated_at, 4U);
  EXPECT_EQ(r1.dropped.after_truncation, 1U);
  // At the log's position with another digest.
  Records contradicting = base;
  contradicting.push_back(encode(SnapshotRecord{4, fold(log_digest_empty, 1, 4) + 1}));
  const Recovered r2 = recover(contradicting);
  EXPECT_EQ(r2.position(), 4U);
  EXPECT_EQ(r2.dropped.out_of_order, 1U);
  EXPECT_FALSE(r2.snapshot.has_value());
  // At the log's position with its digest: a repeat, skipped.
  Records repeat = base;
  repeat.push_back(encode(SnapshotRecord{4, fold(log_digest_empty, 1, 4)}));
  append_log(repeat, 5, 5);
  const Recovered r3 = recover(repeat);
  expect_clean(r3);
  EXPECT_EQ(r3.dropped.duplicates, 1U);
  EXPECT_EQ(r3.position(), 5U);
  EXPECT_EQ(r3.log_digest, fold(log_digest_empty, 1, 5));
}

TEST(DurableRecover, DeliveryCoveredBySnapshotTruncates) {
  const Recovered r = recover(encoded({SnapshotRecord{10, 1}, delivered(11), delivered(9)}));
  EXPECT_EQ(r.position(), 11U);
  EXPECT_EQ(r.truncated_at, 2U);
  EXPECT_EQ(r.dropped.out_of_order, 1U);
}

TEST(DurableRecover, TheHighestViewWinsWhereverItStands) {
  const ViewRecord v1{ViewId{1}, {NodeId{0}, NodeId{1}, NodeId{2}}};
  const ViewRecord v2{ViewId{2}, {NodeId{0}, NodeId{2}}};
  EXPECT_EQ(recover(encoded({v1, delivered(1), v2, delivered(2)})).view, v2);
  // A misdirected write can put the newest view before an older one.
  EXPECT_EQ(recover(encoded({v2, delivered(1), v1})).view, v2);
  // A view after the truncation point still verifies on its own.
  Records truncated = encoded({delivered(1), delivered(3), v2});
  const Recovered r = recover(truncated);
  EXPECT_EQ(r.truncated_at, 1U);
  EXPECT_EQ(r.view, v2);
}

TEST(DurableRecover, RepeatedPositionWithSameContentIsSkipped) {
  const Recovered r =
      recover(encoded({delivered(1), delivered(2), delivered(2), delivered(1), delivered(3)}));
  expect_clean(r);
  EXPECT_EQ(r.dropped.duplicates, 2U);
  EXPECT_EQ(r.position(), 3U);
  EXPECT_EQ(r.log_digest, fold(log_digest_empty, 1, 3));
}

TEST(DurableRecover, RepeatedPositionWithDifferentContentTruncates) {
  DeliveredRecord other_content = delivered(2);
  other_content.digest ^= 1;
  DeliveredRecord other_id = delivered(2);
  other_id.id.seq += 100;
  for (const DeliveredRecord& conflicting : {other_content, other_id}) {
    const Recovered r =
        recover(encoded({delivered(1), delivered(2), delivered(3), conflicting, delivered(4)}));
    EXPECT_EQ(r.position(), 3U);
    EXPECT_EQ(r.log_digest, fold(log_digest_empty, 1, 3));
    EXPECT_EQ(r.truncated_at, 3U);
    EXPECT_EQ(r.dropped.out_of_order, 1U);
    EXPECT_EQ(r.dropped.after_truncation, 1U);
    EXPECT_EQ(r.dropped.duplicates, 0U);
  }
}

// ---- Reservations: beside the log, never part of it.

TEST(DurableRecover, HighestVerifiedReservationWinsWhereverItStands) {
  Records records = encoded({ReservationRecord{64}, ReservationRecord{64}});
  append_log(records, 1, 3);
  for (const Record& r : std::vector<Record>{ReservationRecord{128}, ReservationRecord{128}}) {
    records.push_back(encode(r));
  }
  append_log(records, 4, 5);
  // A misdirected older reservation after the newer ones does not lower it.
  records.push_back(encode(ReservationRecord{64}));
  const Recovered r = recover(records);
  expect_clean(r);
  EXPECT_EQ(r.reserved, 128U);
  EXPECT_EQ(r.position(), 5U);  // reservations between log records leave no hole
  EXPECT_EQ(r.log_digest, fold(log_digest_empty, 1, 5));
  EXPECT_EQ(r.records, records.size());
  EXPECT_EQ(r.verified(), records.size());
}

TEST(DurableRecover, ACorruptReservationCopyLeavesTheOtherAndTruncatesTheLogThere) {
  Records records;
  append_log(records, 1, 2);
  records.push_back(encode(ReservationRecord{64}));
  records.push_back(encode(ReservationRecord{64}));
  append_log(records, 3, 4);
  records[2][9] = static_cast<char>(records[2][9] ^ 0x10);  // one bit of the first copy
  const Recovered r = recover(records);
  EXPECT_EQ(r.reserved, 64U);
  // An unverified record could have been anything, a log record too: the log stops before it.
  EXPECT_EQ(r.position(), 2U);
  EXPECT_EQ(r.truncated_at, 2U);
  EXPECT_EQ(r.dropped.unverified, 1U);
  EXPECT_EQ(r.verified(), records.size() - 1);
}

TEST(DurableRecover, NoReservationRecordMeansNoneRecovered) {
  Records records;
  append_log(records, 1, 2);
  EXPECT_FALSE(recover(records).reserved.has_value());
  EXPECT_FALSE(recover({}).reserved.has_value());
}

}  // namespace
}  // namespace ry::trains
