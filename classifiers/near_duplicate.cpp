#include "classifiers/near_duplicate.h"

#include <algorithm>
#include <cstdio>
#include <limits>

#include "classifiers/ocr_text.h"

namespace zpe::classifiers {

namespace {

constexpr std::string_view kSchemePrefix = "mh128x16:";
constexpr int kShingleWords = 3;

// SplitMix64's finaliser: a fixed, well-mixing 64-bit permutation (the same on every build,
// unlike std::hash), so fingerprints stored in records stay comparable.
std::uint64_t mix64(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

std::uint64_t fnv1a64(std::string_view bytes) {
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  for (const char c : bytes) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

// Words of the folded text: runs of ASCII letters and digits, at least two long.
std::vector<std::string_view> words_of(std::string_view folded) {
  std::vector<std::string_view> words;
  std::size_t i = 0;
  while (i < folded.size()) {
    while (i < folded.size() && !is_ascii_alnum(folded[i])) ++i;
    const std::size_t start = i;
    while (i < folded.size() && is_ascii_alnum(folded[i])) ++i;
    if (i - start >= 2) words.push_back(folded.substr(start, i - start));
  }
  return words;
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

}  // namespace

std::vector<std::uint64_t> text_shingles(std::string_view text) {
  const std::string folded = fold_for_keywords(text);
  const std::vector<std::string_view> words = words_of(folded);
  std::vector<std::uint64_t> shingles;
  for (std::size_t i = 0; i + kShingleWords <= words.size(); ++i) {
    std::uint64_t hash = 0;
    for (int k = 0; k < kShingleWords; ++k) hash = mix64(hash ^ fnv1a64(words[i + k]));
    shingles.push_back(hash);
  }
  std::sort(shingles.begin(), shingles.end());
  shingles.erase(std::unique(shingles.begin(), shingles.end()), shingles.end());
  return shingles;
}

std::optional<TextFingerprint> fingerprint_text(std::string_view text) {
  const std::vector<std::uint64_t> shingles = text_shingles(text);
  if (shingles.size() < kMinShingles) return std::nullopt;
  std::array<std::uint64_t, kMinHashCount> minima;
  minima.fill(std::numeric_limits<std::uint64_t>::max());
  for (const std::uint64_t shingle : shingles) {
    for (int i = 0; i < kMinHashCount; ++i) {
      minima[i] = std::min(minima[i], mix64(shingle ^ mix64(static_cast<std::uint64_t>(i) + 1)));
    }
  }
  TextFingerprint fingerprint;
  for (int i = 0; i < kMinHashCount; ++i) fingerprint.minima[i] = static_cast<std::uint16_t>(minima[i]);
  return fingerprint;
}

double estimate_similarity(const TextFingerprint& a, const TextFingerprint& b) {
  int equal = 0;
  for (int i = 0; i < kMinHashCount; ++i) equal += a.minima[i] == b.minima[i] ? 1 : 0;
  return static_cast<double>(equal) / kMinHashCount;
}

std::string encode_fingerprint(const TextFingerprint& fingerprint) {
  std::string out(kSchemePrefix);
  char digits[5];
  for (const std::uint16_t value : fingerprint.minima) {
    std::snprintf(digits, sizeof digits, "%04x", static_cast<unsigned>(value));
    out += digits;
  }
  return out;
}

std::optional<TextFingerprint> decode_fingerprint(std::string_view encoded) {
  if (!encoded.starts_with(kSchemePrefix)) return std::nullopt;
  const std::string_view hex = encoded.substr(kSchemePrefix.size());
  if (hex.size() != static_cast<std::size_t>(kMinHashCount) * 4) return std::nullopt;
  TextFingerprint fingerprint;
  for (int i = 0; i < kMinHashCount; ++i) {
    unsigned value = 0;
    for (int k = 0; k < 4; ++k) {
      const int digit = hex_digit(hex[static_cast<std::size_t>(i) * 4 + k]);
      if (digit < 0) return std::nullopt;
      value = value * 16 + static_cast<unsigned>(digit);
    }
    fingerprint.minima[i] = static_cast<std::uint16_t>(value);
  }
  return fingerprint;
}

}  // namespace zpe::classifiers
