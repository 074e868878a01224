// Bitmask sparse codec: hand-checked bank packing, random round trips through
// the banks and the DRAM image, and rejection of malformed images.
#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "hw/formats/bitmask.hpp"

namespace edgebert::num {
namespace {

constexpr uint8_t kAf8Magnitude = 0x7F;

TEST(Bitmask, HandCheckedBankPacking) {
    // 3 vectors of 8 lanes; 0x80 is AF<8,3> negative zero and counts as zero.
    const std::vector<uint8_t> codes = {
        0x05, 0x00, 0x00, 0x07, 0x00, 0x00, 0x00, 0x80,  // lanes 0, 3
        0x00, 0x02, 0x00, 0x09, 0x00, 0x00, 0x00, 0x81,  // lanes 1, 3, 7
        0x06, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  // lane 0
    };
    const BitmaskEncoded enc = bitmask_encode(codes.data(), 3, 8, kAf8Magnitude);
    EXPECT_EQ(enc.masks, (std::vector<uint64_t>{0x09, 0x8A, 0x01}));
    ASSERT_EQ(enc.banks.size(), 8u);
    EXPECT_EQ(enc.banks[0], (std::vector<uint8_t>{0x05, 0x06}));
    EXPECT_EQ(enc.banks[1], (std::vector<uint8_t>{0x02}));
    EXPECT_TRUE(enc.banks[2].empty());
    EXPECT_EQ(enc.banks[3], (std::vector<uint8_t>{0x07, 0x09}));
    EXPECT_EQ(enc.banks[7], (std::vector<uint8_t>{0x81}));
    EXPECT_EQ(enc.depth(), 2u);
    EXPECT_EQ(enc.nonzeros(), 6u);

    const BitmaskDramImage img = bitmask_to_dram(enc);
    EXPECT_EQ(img.mask_bytes, (std::vector<uint8_t>{0x09, 0x8A, 0x01}));
    EXPECT_EQ(img.input_bytes,
              (std::vector<uint8_t>{0x05, 0x02, 0x00, 0x07, 0x00, 0x00, 0x00, 0x81, 0x06, 0x00,
                                    0x00, 0x09, 0x00, 0x00, 0x00, 0x00}));

    std::vector<uint8_t> want = codes;
    want[7] = 0x00;  // negative zero comes back as 0x00
    EXPECT_EQ(bitmask_decode(enc), want);

    // With plain bytes (mask 0xFF) 0x80 is a value, not a zero.
    const BitmaskEncoded raw = bitmask_encode(codes.data(), 3, 8, 0xFF);
    EXPECT_EQ(raw.masks[0], 0x89u);
    EXPECT_EQ(bitmask_decode(raw), codes);
    // A 3-bit magnitude (AF<4,*>): 0x08 is -0.
    const uint8_t af4[8] = {0x08, 0x01, 0x0F, 0, 0, 0, 0, 0x09};
    EXPECT_EQ(bitmask_encode(af4, 1, 8, 0x07).masks[0], 0x86u);
}

TEST(Bitmask, MaskWordsAreLittleEndian) {
    std::vector<uint8_t> v16(16, 0), v32(32, 0);
    v16[9] = 0x11;
    v32[0] = 0x22;
    v32[25] = 0x33;
    const BitmaskDramImage i16 = bitmask_to_dram(bitmask_encode(v16.data(), 1, 16, kAf8Magnitude));
    EXPECT_EQ(i16.mask_bytes, (std::vector<uint8_t>{0x00, 0x02}));
    ASSERT_EQ(i16.input_bytes.size(), 16u);
    EXPECT_EQ(i16.input_bytes[9], 0x11);
    const BitmaskDramImage i32 = bitmask_to_dram(bitmask_encode(v32.data(), 1, 32, kAf8Magnitude));
    EXPECT_EQ(i32.mask_bytes, (std::vector<uint8_t>{0x01, 0x00, 0x00, 0x02}));
    EXPECT_EQ(i32.input_bytes[25], 0x33);
}

// num_vectors x lanes random AF<8,3> codes, each zero with probability
// `sparsity`; zeros are +0 or -0 (0x80) at random.
std::vector<uint8_t> random_codes(std::mt19937_64& rng, size_t n, double sparsity) {
    std::vector<uint8_t> c(n);
    for (auto& v : c) {
        const double u = static_cast<double>(rng() >> 11) * 0x1p-53;
        if (u < sparsity) {
            v = (rng() & 1) ? 0x80 : 0x00;
        } else {
            v = static_cast<uint8_t>((rng() & 0x80) | (1 + rng() % 127));
        }
    }
    return c;
}

TEST(Bitmask, RandomRoundTripAtSeveralSparsities) {
    std::mt19937_64 rng(0xB17);
    const size_t num_vectors = 300;
    for (int lanes : {8, 16, 32, 64}) {
        for (double sparsity : {0.0, 0.5, 0.9, 1.0}) {
            const std::vector<uint8_t> codes = random_codes(rng, num_vectors * lanes, sparsity);
            std::vector<uint8_t> want = codes;
            size_t nonzeros = 0;
            for (auto& v : want) {
                if ((v & kAf8Magnitude) == 0)
                    v = 0;
                else
                    ++nonzeros;
            }
            const BitmaskEncoded enc =
                bitmask_encode(codes.data(), num_vectors, lanes, kAf8Magnitude);
            ASSERT_EQ(enc.nonzeros(), nonzeros);
            ASSERT_EQ(bitmask_decode(enc), want) << lanes << " lanes, sparsity " << sparsity;
            if (sparsity == 0.0) {
                EXPECT_EQ(enc.depth(), num_vectors);
                EXPECT_EQ(nonzeros, num_vectors * lanes);
            }
            if (sparsity == 1.0) {
                EXPECT_EQ(enc.depth(), 0u);
            }
            if (sparsity == 0.9) {
                // Loose sanity check on the generator; the exact count is checked above.
                EXPECT_LT(nonzeros, num_vectors * lanes * 15 / 100);
                EXPECT_LT(enc.depth(), num_vectors / 4);
            }

            const BitmaskDramImage img = bitmask_to_dram(enc);
            ASSERT_EQ(img.mask_bytes.size(), num_vectors * lanes / 8);
            ASSERT_EQ(img.input_bytes.size(), enc.depth() * lanes);
            const BitmaskEncoded back = bitmask_from_dram(
                img.mask_bytes.data(), img.mask_bytes.size(), img.input_bytes.data(),
                img.input_bytes.size(), num_vectors, lanes);
            EXPECT_EQ(back.masks, enc.masks);
            EXPECT_EQ(back.banks, enc.banks);
            EXPECT_EQ(bitmask_decode(back), want);
        }
    }
}

TEST(Bitmask, RejectsMalformedDramImages) {
    std::mt19937_64 rng(3);
    const size_t nv = 20;
    const std::vector<uint8_t> codes = random_codes(rng, nv * 16, 0.5);
    const BitmaskDramImage img =
        bitmask_to_dram(bitmask_encode(codes.data(), nv, 16, kAf8Magnitude));
    const auto& m = img.mask_bytes;
    const auto& in = img.input_bytes;

    // Mask image one byte short / long.
    EXPECT_THROW(bitmask_from_dram(m.data(), m.size() - 1, in.data(), in.size(), nv, 16),
                 FileFormatError);
    EXPECT_THROW(bitmask_from_dram(m.data(), m.size(), in.data(), in.size(), nv + 1, 16),
                 FileFormatError);
    // Input not a whole number of rows.
    EXPECT_THROW(bitmask_from_dram(m.data(), m.size(), in.data(), in.size() - 3, nv, 16),
                 FileFormatError);
    // One row too few for the fullest lane.
    try {
        bitmask_from_dram(m.data(), m.size(), in.data(), in.size() - 16, nv, 16);
        FAIL() << "truncated input image accepted";
    } catch (const FileFormatError& e) {
        EXPECT_NE(std::string(e.what()).find("lane"), std::string::npos) << e.what();
    }
    // Extra padding rows are fine.
    std::vector<uint8_t> padded = in;
    padded.resize(in.size() + 32, 0);
    EXPECT_EQ(bitmask_from_dram(m.data(), m.size(), padded.data(), padded.size(), nv, 16).depth(),
              bitmask_from_dram(m.data(), m.size(), in.data(), in.size(), nv, 16).depth());
    // A set mask bit pointing at a 0x00 byte.
    std::vector<uint8_t> holey = in;
    size_t lane = 0;
    while (lane < 16 && (((m[0] | (m[1] << 8)) >> lane) & 1) == 0)
        ++lane;  // first non-zero lane of vector 0
    ASSERT_LT(lane, 16u);
    holey[lane] = 0x00;
    EXPECT_THROW(bitmask_from_dram(m.data(), m.size(), holey.data(), holey.size(), nv, 16),
                 FileFormatError);
    // Illegal lane counts and null pointers.
    EXPECT_THROW(bitmask_from_dram(m.data(), m.size(), in.data(), in.size(), nv, 12), ConfigError);
    EXPECT_THROW(bitmask_from_dram(nullptr, m.size(), in.data(), in.size(), nv, 16), ShapeError);
}

TEST(Bitmask, RejectsBadArgumentsAndInconsistentStructs) {
    const std::vector<uint8_t> codes(32, 1);
    for (int lanes : {0, 4, 24, 128}) {
        try {
            bitmask_encode(codes.data(), 1, lanes, 0xFF);
            FAIL() << "accepted " << lanes << " lanes";
        } catch (const ConfigError& e) {
            EXPECT_NE(std::string(e.what()).find("8, 16, 32"), std::string::npos) << e.what();
        }
    }
    EXPECT_THROW(bitmask_encode(codes.data(), 1, 16, 0x00), ConfigError);
    EXPECT_THROW(bitmask_encode(nullptr, 1, 16, 0xFF), ShapeError);

    BitmaskEncoded enc = bitmask_encode(codes.data(), 2, 16, 0xFF);
    enc.banks[3].pop_back();
    EXPECT_THROW(bitmask_decode(enc), ShapeError);
    enc = bitmask_encode(codes.data(), 1, 8, 0xFF);
    enc.masks[0] |= 1u << 8;  // a lane that does not exist
    EXPECT_THROW(bitmask_to_dram(enc), ShapeError);
    enc = bitmask_encode(codes.data(), 1, 8, 0xFF);
    enc.num_vectors = 2;
    EXPECT_THROW(bitmask_decode(enc), ShapeError);
    // No vectors at all is legal.
    const BitmaskEncoded none = bitmask_encode(nullptr, 0, 16, 0xFF);
    EXPECT_EQ(none.depth(), 0u);
    EXPECT_TRUE(bitmask_decode(none).empty());
}

}  // namespace
}  // namespace edgebert::num
