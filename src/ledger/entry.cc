#include "ledger/entry.h"

#include <cstring>

namespace proprio::ledger {
namespace {

void PutU64(std::string& out, uint64_t v) {
  for (int i = 7; i >= 0; --i) out.push_back(static_cast<char>(v >> (8 * i)));
}
void PutU32(std::string& out, uint32_t v) {
  for (int i = 3; i >= 0; --i) out.push_back(static_cast<char>(v >> (8 * i)));
}
void PutString(std::string& out, std::string_view s) {
  PutU32(out, static_cast<uint32_t>(s.size()));
  out.append(s);
}

class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  bool U64(uint64_t* v) {
    if (in_.size() < 8) return false;
    *v = 0;
    for (int i = 0; i < 8; ++i) *v = *v << 8 | static_cast<uint8_t>(in_[i]);
    in_.remove_prefix(8);
    return true;
  }
  bool U32(uint32_t* v) {
    if (in_.size() < 4) return false;
    *v = 0;
    for (int i = 0; i < 4; ++i) *v = *v << 8 | static_cast<uint8_t>(in_[i]);
    in_.remove_prefix(4);
    return true;
  }
  bool U8(uint8_t* v) {
    if (in_.empty()) return false;
    *v = static_cast<uint8_t>(in_[0]);
    in_.remove_prefix(1);
    return true;
  }
  bool String(std::string_view* s) {
    uint32_t n = 0;
    if (!U32(&n) || n > kMaxFieldBytes || in_.size() < n) return false;
    *s = in_.substr(0, n);
    in_.remove_prefix(n);
    return true;
  }
  bool HashOut(Hash* h) {
    if (in_.size() < 32) return false;
    std::memcpy(h->data(), in_.data(), 32);
    in_.remove_prefix(32);
    return true;
  }
  bool Magic(std::string_view m) {
    if (in_.substr(0, m.size()) != m) return false;
    in_.remove_prefix(m.size());
    return true;
  }
  bool AtEnd() const { return in_.empty(); }

 private:
  std::string_view in_;
};

}  // namespace

std::string Entry::Encode() const {
  std::string out;
  out.reserve(4 + 8 * 3 + 16 + actor.size() + type.size() + subject.size() + body.size() + 73);
  out.append("PRL1");
  PutU64(out, static_cast<uint64_t>(carrier.value()));
  PutU64(out, static_cast<uint64_t>(seq));
  PutU64(out, static_cast<uint64_t>(at.micros()));
  PutString(out, actor);
  PutString(out, type);
  PutString(out, subject);
  PutString(out, body);
  const bool retention = payload_hash && payload_retain_until;
  out.push_back(retention ? 2 : payload_hash ? 1 : 0);
  if (payload_hash) out.append(HashBytes(*payload_hash));
  if (retention) PutU64(out, static_cast<uint64_t>(payload_retain_until->micros()));
  out.append(HashBytes(prev_hash));
  return out;
}

const char* EntryView::ParseInto(std::string_view bytes, EntryView* e) {
  Reader r(bytes);
  uint64_t carrier = 0, seq = 0, at = 0;
  uint8_t flag = 0;
  if (!r.Magic("PRL1")) return "ledger entry: unknown encoding (magic)";
  if (!r.U64(&carrier) || !r.U64(&seq) || !r.U64(&at) || !r.String(&e->actor) ||
      !r.String(&e->type) || !r.String(&e->subject) || !r.String(&e->body) || !r.U8(&flag) ||
      flag > 2) {
    return "ledger entry: truncated or malformed field";
  }
  e->payload_hash.reset();
  e->payload_retain_until.reset();
  if (flag >= 1) {
    Hash h;
    if (!r.HashOut(&h)) return "ledger entry: truncated payload hash";
    e->payload_hash = h;
  }
  if (flag == 2) {
    uint64_t until = 0;
    if (!r.U64(&until)) return "ledger entry: truncated payload retention";
    e->payload_retain_until = Instant::FromMicros(static_cast<int64_t>(until));
  }
  if (!r.HashOut(&e->prev_hash)) return "ledger entry: truncated previous hash";
  if (!r.AtEnd()) return "ledger entry: trailing bytes";
  e->carrier = CarrierId(static_cast<int64_t>(carrier));
  e->seq = static_cast<int64_t>(seq);
  e->at = Instant::FromMicros(static_cast<int64_t>(at));
  return nullptr;
}

Result<EntryView> EntryView::Parse(std::string_view bytes) {
  EntryView e;
  if (const char* error = ParseInto(bytes, &e)) return Status::DataLoss(error);
  return e;
}

Result<Entry> Entry::Decode(std::string_view bytes) {
  ASSIGN_OR_RETURN(EntryView v, EntryView::Parse(bytes));
  Entry e;
  e.carrier = v.carrier;
  e.seq = v.seq;
  e.at = v.at;
  e.actor = std::string(v.actor);
  e.type = std::string(v.type);
  e.subject = std::string(v.subject);
  e.body = std::string(v.body);
  e.payload_hash = v.payload_hash;
  e.payload_retain_until = v.payload_retain_until;
  e.prev_hash = v.prev_hash;
  return e;
}

}  // namespace proprio::ledger
