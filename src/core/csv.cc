#include "core/csv.h"

namespace proprio {

std::string CsvField(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

CsvReader::CsvReader(std::string_view data, size_t max_record_bytes)
    : data_(data), max_record_bytes_(max_record_bytes) {
  // A UTF-8 byte order mark is tolerated at the start.
  if (data_.substr(0, 3) == "\xEF\xBB\xBF") pos_ = 3;
}

CsvReader::State CsvReader::Next(std::vector<std::string>* fields) {
  fields->clear();
  error_.clear();
  if (pos_ >= data_.size()) return State::kEnd;
  record_line_ = line_;
  const size_t start = pos_;
  std::string field;
  bool quoted = false;       // inside a quoted field
  bool was_quoted = false;   // the current field started with a quote
  auto fail = [&](std::string why) {
    error_ = std::move(why);
    // Resynchronise at the next line break outside this record.
    while (pos_ < data_.size() && data_[pos_] != '\n') ++pos_;
    if (pos_ < data_.size()) {
      ++pos_;
      ++line_;
    }
    raw_ = data_.substr(start, pos_ - start);
    return State::kError;
  };
  while (pos_ < data_.size()) {
    if (pos_ - start > max_record_bytes_) {
      if (quoted) {
        error_ = "a quoted field opened on line " + std::to_string(record_line_) +
                 " is not closed within " + std::to_string(max_record_bytes_) + " bytes";
        pos_ = data_.size();
        raw_ = data_.substr(start, max_record_bytes_);
        return State::kError;
      }
      return fail("the record is longer than " + std::to_string(max_record_bytes_) + " bytes");
    }
    const char c = data_[pos_];
    if (quoted) {
      if (c == '"') {
        if (pos_ + 1 < data_.size() && data_[pos_ + 1] == '"') {
          field.push_back('"');
          pos_ += 2;
          continue;
        }
        quoted = false;
        ++pos_;
        if (pos_ < data_.size() && data_[pos_] != ',' && data_[pos_] != '\n' &&
            data_[pos_] != '\r') {
          return fail("unexpected character after a closing quote");
        }
        continue;
      }
      if (c == '\n') ++line_;
      field.push_back(c);
      ++pos_;
      continue;
    }
    if (c == '"') {
      if (!field.empty() || was_quoted) return fail("a quote inside an unquoted field");
      quoted = was_quoted = true;
      ++pos_;
      continue;
    }
    if (c == ',') {
      fields->push_back(std::move(field));
      field.clear();
      was_quoted = false;
      ++pos_;
      continue;
    }
    if (c == '\r' && pos_ + 1 < data_.size() && data_[pos_ + 1] == '\n') {
      ++pos_;
      continue;
    }
    if (c == '\n') {
      raw_ = data_.substr(start, pos_ - start);
      if (!raw_.empty() && raw_.back() == '\r') raw_.remove_suffix(1);
      ++pos_;
      ++line_;
      fields->push_back(std::move(field));
      return State::kRecord;
    }
    field.push_back(c);
    ++pos_;
  }
  raw_ = data_.substr(start, pos_ - start);
  if (quoted) {
    error_ = "the file ends inside a quoted field opened on line " +
             std::to_string(record_line_) + " (truncated file?)";
    return State::kError;
  }
  fields->push_back(std::move(field));
  return State::kRecord;
}

}  // namespace proprio
