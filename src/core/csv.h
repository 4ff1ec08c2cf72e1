// core/csv.h: an RFC 4180 CSV record reader over bytes in memory.
//
// Fields are separated by commas, records by LF or CRLF; a field may be
// quoted with '"', inside which commas, line breaks and doubled quotes ("")
// are literal. Records are read one at a time with the physical line each
// starts on, so errors can name it. No I/O: the caller provides the bytes.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace proprio {

// One CSV field, quoted (RFC 4180: doubled quotes inside).
std::string CsvField(std::string_view s);

class CsvReader {
 public:
  // `max_record_bytes` bounds one record, so an unterminated quote cannot
  // swallow the rest of a large file unnoticed.
  explicit CsvReader(std::string_view data, size_t max_record_bytes = 64 * 1024);

  enum class State { kRecord, kEnd, kError };

  // Reads the next record into `fields`. kError leaves `error()` set and the
  // reader positioned after the bad record where it can resynchronise (at the
  // next line break), or at the end for an unterminated quote.
  State Next(std::vector<std::string>* fields);

  int64_t line() const { return record_line_; }  // line the last record started on
  const std::string& error() const { return error_; }
  size_t offset() const { return pos_; }
  size_t size() const { return data_.size(); }
  // The raw text of the last record (without its line break).
  std::string_view raw() const { return raw_; }

 private:
  std::string_view data_;
  size_t max_record_bytes_;
  size_t pos_ = 0;
  int64_t line_ = 1;
  int64_t record_line_ = 0;
  std::string error_;
  std::string_view raw_;
};

}  // namespace proprio
