// faultline's WebAssembly build of hnswlib: one HNSW index per WebAssembly instance.
//
// Contract: the JavaScript side (wasm/hnsw/hnswIndex.ts) creates one instance per index,
// so the index lives in this module's globals and dies with the instance (a crashed node's
// index is really gone). Every entry point is synchronous and deterministic:
//   - the level of a new element is drawn from a generator seeded by (seed, label), not
//     from one stream, so an index restored from bytes and fed the same later inserts builds the
//     same graph as one that never stopped;
//   - distances use WebAssembly SIMD with a fixed summation order and no fused
//     multiply-add, so every engine computes the same floats;
//   - serialisation writes hnswlib's own layout (saveIndex) into memory, behind a header
//     with the parameters the layout does not carry.
// Misuse the JavaScript side could have avoided (a full index, an unknown label) is
// checked here and answered with an error code; what is left (hnswlib's internal
// assertions) records a message and traps.
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <wasm_simd128.h>

#include "hnswlib.h"

#define EXPORT(name) extern "C" __attribute__((export_name(#name)))

namespace {

enum Space : uint32_t { SPACE_L2 = 0, SPACE_IP = 1, SPACE_COSINE = 2 };

const uint32_t MAGIC = 0x31484c46;  // "FLH1" little-endian
const uint32_t FORMAT_VERSION = 1;
const uint32_t HEADER_WORDS = 8;

// Sums four lanes in a fixed order, so the result never depends on the engine.
inline float hsum(v128_t v) {
  return (wasm_f32x4_extract_lane(v, 0) + wasm_f32x4_extract_lane(v, 1)) +
         (wasm_f32x4_extract_lane(v, 2) + wasm_f32x4_extract_lane(v, 3));
}

float dot(const float *a, const float *b, size_t dim) {
  v128_t s0 = wasm_f32x4_splat(0.f), s1 = s0, s2 = s0, s3 = s0;
  size_t i = 0;
  for (; i + 16 <= dim; i += 16) {
    s0 = wasm_f32x4_add(s0, wasm_f32x4_mul(wasm_v128_load(a + i), wasm_v128_load(b + i)));
    s1 = wasm_f32x4_add(s1, wasm_f32x4_mul(wasm_v128_load(a + i + 4), wasm_v128_load(b + i + 4)));
    s2 = wasm_f32x4_add(s2, wasm_f32x4_mul(wasm_v128_load(a + i + 8), wasm_v128_load(b + i + 8)));
    s3 = wasm_f32x4_add(s3, wasm_f32x4_mul(wasm_v128_load(a + i + 12), wasm_v128_load(b + i + 12)));
  }
  for (; i + 4 <= dim; i += 4) s0 = wasm_f32x4_add(s0, wasm_f32x4_mul(wasm_v128_load(a + i), wasm_v128_load(b + i)));
  float sum = hsum(wasm_f32x4_add(wasm_f32x4_add(s0, s1), wasm_f32x4_add(s2, s3)));
  for (; i < dim; i++) sum += a[i] * b[i];
  return sum;
}

float ipDistance(const void *a, const void *b, const void *param) {
  return 1.0f - dot(static_cast<const float *>(a), static_cast<const float *>(b), *static_cast<const size_t *>(param));
}

float l2Distance(const void *pa, const void *pb, const void *param) {
  const float *a = static_cast<const float *>(pa);
  const float *b = static_cast<const float *>(pb);
  size_t dim = *static_cast<const size_t *>(param);
  v128_t s0 = wasm_f32x4_splat(0.f), s1 = s0, s2 = s0, s3 = s0;
  size_t i = 0;
  for (; i + 16 <= dim; i += 16) {
    v128_t d0 = wasm_f32x4_sub(wasm_v128_load(a + i), wasm_v128_load(b + i));
    v128_t d1 = wasm_f32x4_sub(wasm_v128_load(a + i + 4), wasm_v128_load(b + i + 4));
    v128_t d2 = wasm_f32x4_sub(wasm_v128_load(a + i + 8), wasm_v128_load(b + i + 8));
    v128_t d3 = wasm_f32x4_sub(wasm_v128_load(a + i + 12), wasm_v128_load(b + i + 12));
    s0 = wasm_f32x4_add(s0, wasm_f32x4_mul(d0, d0));
    s1 = wasm_f32x4_add(s1, wasm_f32x4_mul(d1, d1));
    s2 = wasm_f32x4_add(s2, wasm_f32x4_mul(d2, d2));
    s3 = wasm_f32x4_add(s3, wasm_f32x4_mul(d3, d3));
  }
  for (; i + 4 <= dim; i += 4) {
    v128_t d = wasm_f32x4_sub(wasm_v128_load(a + i), wasm_v128_load(b + i));
    s0 = wasm_f32x4_add(s0, wasm_f32x4_mul(d, d));
  }
  float sum = hsum(wasm_f32x4_add(wasm_f32x4_add(s0, s1), wasm_f32x4_add(s2, s3)));
  for (; i < dim; i++) {
    float d = a[i] - b[i];
    sum += d * d;
  }
  return sum;
}

class SimdSpace : public hnswlib::SpaceInterface<float> {
 public:
  SimdSpace(size_t dim, bool l2) : dim_(dim), l2_(l2) {}
  size_t get_data_size() override { return dim_ * sizeof(float); }
  hnswlib::DISTFUNC<float> get_dist_func() override { return l2_ ? l2Distance : ipDistance; }
  void *get_dist_func_param() override { return &dim_; }

 private:
  size_t dim_;
  bool l2_;
};

// The index and its buffers: one of each per instance.
SimdSpace *space = nullptr;
hnswlib::HierarchicalNSW<float> *hnsw = nullptr;
uint32_t spaceKind = SPACE_L2;
uint32_t dims = 0;
uint32_t levelSeed = 0;
float *scratch = nullptr;
size_t scratchFloats = 0;
uint32_t *resultLabels = nullptr;
float *resultDistances = nullptr;
size_t resultCapacity = 0;
uint8_t *saved = nullptr;
size_t savedSize = 0;
char failMessage[256] = {0};

// splitmix64: a well-mixed 64-bit hash, so neighbouring labels get independent levels.
uint64_t mix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// Reseeds hnswlib's level generator from (seed, label) before each insert, so an element's
// level depends on its label alone: not on how many elements came before, nor on
// whether the index was restored from bytes in between (hnswlib does not save the
// generator's state).
void seedLevelFor(uint32_t label) {
  uint64_t h = mix64((static_cast<uint64_t>(levelSeed) << 32) | label);
  hnsw->level_generator_.seed(static_cast<uint32_t>(h ^ (h >> 32)));
}

void normalise(float *v) {
  float norm = 0.f;
  for (uint32_t i = 0; i < dims; i++) norm += v[i] * v[i];
  norm = 1.0f / (sqrtf(norm) + 1e-30f);
  for (uint32_t i = 0; i < dims; i++) v[i] *= norm;
}

bool ensureResults(size_t n) {
  if (n <= resultCapacity) return true;
  uint32_t *labels = static_cast<uint32_t *>(realloc(resultLabels, n * sizeof(uint32_t)));
  if (labels == nullptr) return false;
  resultLabels = labels;
  float *distances = static_cast<float *>(realloc(resultDistances, n * sizeof(float)));
  if (distances == nullptr) return false;
  resultDistances = distances;
  resultCapacity = n;
  return true;
}

void dropIndex() {
  delete hnsw;
  delete space;
  hnsw = nullptr;
  space = nullptr;
}

// Searches one query (already in place, normalised if cosine); writes nearest first.
int32_t searchOne(const float *query, uint32_t k, uint32_t ef, uint32_t *labelsOut, float *distancesOut) {
  hnsw->setEf(ef);
  auto found = hnsw->searchKnn(query, k);
  int32_t n = static_cast<int32_t>(found.size());
  for (int32_t i = n - 1; i >= 0; i--) {
    labelsOut[i] = static_cast<uint32_t>(found.top().second);
    distancesOut[i] = found.top().first;
    found.pop();
  }
  return n;
}

// A byte writer and reader for the saved layout.
struct Writer {
  uint8_t *p;
  template <typename T>
  void pod(const T &v) {
    memcpy(p, &v, sizeof(T));
    p += sizeof(T);
  }
  void bytes(const void *src, size_t n) {
    memcpy(p, src, n);
    p += n;
  }
};

struct Reader {
  const uint8_t *p;
  const uint8_t *end;
  bool ok = true;
  template <typename T>
  void pod(T &v) {
    if (!ok || static_cast<size_t>(end - p) < sizeof(T)) {
      ok = false;
      return;
    }
    memcpy(&v, p, sizeof(T));
    p += sizeof(T);
  }
  const uint8_t *take(size_t n) {
    if (!ok || static_cast<size_t>(end - p) < n) {
      ok = false;
      return nullptr;
    }
    const uint8_t *at = p;
    p += n;
    return at;
  }
};

}  // namespace

extern "C" void hnswlib_wasm_fail(const char *message) {
  strncpy(failMessage, message, sizeof(failMessage) - 1);
  __builtin_trap();
}

EXPORT(fl_fail_message) const char *flFailMessage() { return failMessage; }

EXPORT(fl_alloc) void *flAlloc(size_t n) { return malloc(n); }

EXPORT(fl_free) void flFree(void *p) { free(p); }

// A buffer of `floats` floats the caller fills with vectors before add or search.
EXPORT(fl_scratch) float *flScratch(size_t floats) {
  if (floats <= scratchFloats) return scratch;
  float *s = static_cast<float *>(realloc(scratch, floats * sizeof(float)));
  if (s == nullptr) return nullptr;
  scratch = s;
  scratchFloats = floats;
  return scratch;
}

// Creates the instance's index. Returns 0, or -1 if it could not allocate.
EXPORT(fl_init) int32_t flInit(uint32_t kind, uint32_t dim, uint32_t maxElements, uint32_t m, uint32_t efConstruction, uint32_t seed) {
  dropIndex();
  spaceKind = kind;
  dims = dim;
  levelSeed = seed;
  space = new SimdSpace(dim, kind == SPACE_L2);
  hnsw = new hnswlib::HierarchicalNSW<float>(space, maxElements, m, efConstruction, seed);
  return 0;
}

EXPORT(fl_count) uint32_t flCount() { return static_cast<uint32_t>(hnsw->cur_element_count); }
EXPORT(fl_deleted) uint32_t flDeleted() { return static_cast<uint32_t>(hnsw->num_deleted_); }
EXPORT(fl_capacity) uint32_t flCapacity() { return static_cast<uint32_t>(hnsw->max_elements_); }
EXPORT(fl_max_level) int32_t flMaxLevel() { return hnsw->maxlevel_; }

EXPORT(fl_resize) void flResize(uint32_t maxElements) { hnsw->resizeIndex(maxElements); }

// 1 if the label is present and not deleted, 2 if present but deleted, 0 if unknown.
EXPORT(fl_has) int32_t flHas(uint32_t label) {
  auto it = hnsw->label_lookup_.find(label);
  if (it == hnsw->label_lookup_.end()) return 0;
  return hnsw->isMarkedDeleted(it->second) ? 2 : 1;
}

// Adds (or updates, if the label exists) the vector in scratch[0..dim). Returns 0, or -1
// when the index is full (the caller resizes first).
EXPORT(fl_add) int32_t flAdd(uint32_t label) {
  if (spaceKind == SPACE_COSINE) normalise(scratch);
  bool exists = hnsw->label_lookup_.count(label) > 0;
  if (!exists && hnsw->cur_element_count >= hnsw->max_elements_) return -1;
  if (!exists) seedLevelFor(label);
  hnsw->addPoint(scratch, label, false);
  return 0;
}

// Marks a label deleted. Returns 0, 1 if unknown, 2 if already deleted.
EXPORT(fl_delete) int32_t flDelete(uint32_t label) {
  int32_t has = flHas(label);
  if (has != 1) return has == 0 ? 1 : 2;
  hnsw->markDelete(label);
  return 0;
}

// Searches `queries` vectors laid out one after another in scratch, k nearest each at
// search depth ef. Results are in fl_result_labels / fl_result_distances, k slots per
// query, nearest first; returns the total found (a query may find fewer than k).
// Per-query counts are in fl_result_counts.
uint32_t *resultCounts = nullptr;
size_t resultCountsCapacity = 0;

EXPORT(fl_search) int32_t flSearch(uint32_t queries, uint32_t k, uint32_t ef) {
  if (!ensureResults(static_cast<size_t>(queries) * k)) return -1;
  if (queries > resultCountsCapacity) {
    uint32_t *c = static_cast<uint32_t *>(realloc(resultCounts, queries * sizeof(uint32_t)));
    if (c == nullptr) return -1;
    resultCounts = c;
    resultCountsCapacity = queries;
  }
  int32_t total = 0;
  for (uint32_t q = 0; q < queries; q++) {
    float *query = scratch + static_cast<size_t>(q) * dims;
    if (spaceKind == SPACE_COSINE) normalise(query);
    int32_t n = searchOne(query, k, ef, resultLabels + static_cast<size_t>(q) * k, resultDistances + static_cast<size_t>(q) * k);
    resultCounts[q] = static_cast<uint32_t>(n);
    total += n;
  }
  return total;
}

EXPORT(fl_result_labels) uint32_t *flResultLabels() { return resultLabels; }
EXPORT(fl_result_distances) float *flResultDistances() { return resultDistances; }
EXPORT(fl_result_counts) uint32_t *flResultCounts() { return resultCounts; }

// Serialises the index; returns the byte count (the bytes are at fl_saved), or -1.
EXPORT(fl_save) int32_t flSave() {
  size_t body = hnsw->indexFileSize();
  size_t total = HEADER_WORDS * sizeof(uint32_t) + body;
  uint8_t *buf = static_cast<uint8_t *>(realloc(saved, total));
  if (buf == nullptr) return -1;
  saved = buf;
  savedSize = total;
  Writer w{saved};
  uint32_t header[HEADER_WORDS] = {MAGIC, FORMAT_VERSION, spaceKind, dims, levelSeed, static_cast<uint32_t>(body), 0, 0};
  w.bytes(header, sizeof(header));
  // hnswlib's saveIndex layout, field by field.
  hnswlib::HierarchicalNSW<float> &h = *hnsw;
  size_t count = h.cur_element_count;
  w.pod(h.offsetLevel0_);
  w.pod(h.max_elements_);
  w.pod(count);
  w.pod(h.size_data_per_element_);
  w.pod(h.label_offset_);
  w.pod(h.offsetData_);
  w.pod(h.maxlevel_);
  w.pod(h.enterpoint_node_);
  w.pod(h.maxM_);
  w.pod(h.maxM0_);
  w.pod(h.M_);
  w.pod(h.mult_);
  w.pod(h.ef_construction_);
  w.bytes(h.data_level0_memory_, count * h.size_data_per_element_);
  for (size_t i = 0; i < count; i++) {
    unsigned int linkListSize = h.element_levels_[i] > 0 ? h.size_links_per_element_ * h.element_levels_[i] : 0;
    w.pod(linkListSize);
    if (linkListSize) w.bytes(h.linkLists_[i], linkListSize);
  }
  return static_cast<int32_t>(savedSize);
}

EXPORT(fl_saved) uint8_t *flSaved() { return saved; }

// Loads an index from `size` bytes at `bytes` (written by fl_save). Returns 0, or a
// positive code naming what is wrong: 1 header, 2 truncated or trailing bytes,
// 3 inconsistent layout, 4 out of memory.
EXPORT(fl_load) int32_t flLoad(const uint8_t *bytes, uint32_t size, uint32_t maxElements) {
  Reader r{bytes, bytes + size};
  uint32_t header[HEADER_WORDS];
  const uint8_t *h0 = r.take(sizeof(header));
  if (h0 == nullptr) return 1;
  memcpy(header, h0, sizeof(header));
  if (header[0] != MAGIC || header[1] != FORMAT_VERSION || header[2] > SPACE_COSINE || header[3] == 0) return 1;
  if (header[5] != size - sizeof(header)) return 2;
  dropIndex();
  spaceKind = header[2];
  dims = header[3];
  levelSeed = header[4];
  space = new SimdSpace(dims, spaceKind == SPACE_L2);
  hnsw = new hnswlib::HierarchicalNSW<float>(space);
  hnswlib::HierarchicalNSW<float> &h = *hnsw;
  size_t count = 0;
  size_t savedMax = 0;
  r.pod(h.offsetLevel0_);
  r.pod(savedMax);
  r.pod(count);
  r.pod(h.size_data_per_element_);
  r.pod(h.label_offset_);
  r.pod(h.offsetData_);
  r.pod(h.maxlevel_);
  r.pod(h.enterpoint_node_);
  r.pod(h.maxM_);
  r.pod(h.maxM0_);
  r.pod(h.M_);
  r.pod(h.mult_);
  r.pod(h.ef_construction_);
  if (!r.ok) return 2;
  h.data_size_ = space->get_data_size();
  h.fstdistfunc_ = space->get_dist_func();
  h.dist_func_param_ = space->get_dist_func_param();
  h.size_links_per_element_ = h.maxM_ * sizeof(hnswlib::tableint) + sizeof(hnswlib::linklistsizeint);
  h.size_links_level0_ = h.maxM0_ * sizeof(hnswlib::tableint) + sizeof(hnswlib::linklistsizeint);
  if (h.size_data_per_element_ != h.size_links_level0_ + h.data_size_ + sizeof(hnswlib::labeltype) ||
      h.offsetData_ != h.size_links_level0_ || h.label_offset_ != h.size_links_level0_ + h.data_size_ ||
      h.offsetLevel0_ != 0 || count > savedMax || h.M_ == 0) {
    return 3;
  }
  size_t capacity = maxElements > count ? maxElements : savedMax;
  const uint8_t *level0 = r.take(count * h.size_data_per_element_);
  if (level0 == nullptr) return 2;
  h.max_elements_ = capacity;
  h.data_level0_memory_ = static_cast<char *>(malloc(capacity * h.size_data_per_element_));
  h.linkLists_ = static_cast<char **>(malloc(sizeof(void *) * capacity));
  if (h.data_level0_memory_ == nullptr || h.linkLists_ == nullptr) return 4;
  memcpy(h.data_level0_memory_, level0, count * h.size_data_per_element_);
  std::vector<std::mutex>(capacity).swap(h.link_list_locks_);
  std::vector<std::mutex>(hnswlib::HierarchicalNSW<float>::MAX_LABEL_OPERATION_LOCKS).swap(h.label_op_locks_);
  h.visited_list_pool_.reset(new hnswlib::VisitedListPool(1, capacity));
  h.element_levels_ = std::vector<int>(capacity);
  h.revSize_ = 1.0 / h.mult_;
  h.ef_ = 10;
  // The count grows as link lists load, so clear() frees exactly what was allocated if a
  // later record turns out truncated.
  h.cur_element_count = 0;
  for (size_t i = 0; i < count; i++) {
    unsigned int linkListSize = 0;
    r.pod(linkListSize);
    const uint8_t *links = r.take(linkListSize);
    if (!r.ok || linkListSize % h.size_links_per_element_ != 0) return 2;
    h.label_lookup_[h.getExternalLabel(i)] = i;
    if (linkListSize == 0) {
      h.element_levels_[i] = 0;
      h.linkLists_[i] = nullptr;
    } else {
      h.element_levels_[i] = linkListSize / h.size_links_per_element_;
      h.linkLists_[i] = static_cast<char *>(malloc(linkListSize));
      if (h.linkLists_[i] == nullptr) return 4;
      memcpy(h.linkLists_[i], links, linkListSize);
    }
    h.cur_element_count = i + 1;
  }
  if (r.p != r.end) return 2;
  for (size_t i = 0; i < count; i++) {
    if (h.isMarkedDeleted(i)) h.num_deleted_ += 1;
  }
  return 0;
}
