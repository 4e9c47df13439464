#include "bench/synthetic_population.h"

#include <algorithm>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "hub/deconfliction/name_data.h"

namespace hub::bench {
namespace {

namespace rec = ::prevent::records::v1;

struct WeightedName {
  const char* name;
  int weight;  // how common, relative to the other names of its list
};

// Given names with the skew of a diverse English city's, the newer ones
// counted more (referral subjects are mostly young): Mohammed is 3.7% of
// boys' names here, Oliver 2.2%, Olivia 2.7% of girls'. A name in the
// variant table stands for its whole group: Spelt() varies the spelling.
constexpr WeightedName kMaleForenames[] = {
    {"Mohammed", 150}, {"James", 85},    {"Oliver", 90},      {"Jack", 80},
    {"Harry", 75},     {"David", 70},    {"George", 70},      {"Thomas", 70},
    {"William", 70},   {"Noah", 65},     {"Michael", 60},     {"John", 60},
    {"Daniel", 60},    {"Ahmed", 60},    {"Charlie", 55},     {"Leo", 55},
    {"Jacob", 50},     {"Joshua", 50},   {"Ethan", 50},       {"Ali", 50},
    {"Robert", 45},    {"Samuel", 45},   {"Joseph", 45},      {"Matthew", 45},
    {"Andrew", 45},    {"Paul", 45},     {"Christopher", 45}, {"Alexander", 40},
    {"Benjamin", 40},  {"Richard", 40},  {"Mark", 40},        {"Stephen", 40},
    {"Adam", 40},      {"Omar", 40},     {"Ryan", 40},        {"Lewis", 35},
    {"Liam", 35},      {"Peter", 35},    {"Yusuf", 35},       {"Ibrahim", 35},
    {"Hassan", 35},    {"Hamza", 35},    {"Callum", 30},      {"Conor", 30},
    {"Anthony", 30},   {"Hussain", 30},  {"Oscar", 30},       {"Luke", 30},
    {"Sean", 25},      {"Kevin", 25},    {"Gary", 25},        {"Martin", 25},
    {"Ian", 25},       {"Alfie", 25},    {"Freddie", 25},     {"Archie", 25},
    {"Theo", 25},      {"Arthur", 25},   {"Nathan", 25},      {"Kieran", 25},
    {"Lee", 20},       {"Darren", 20},   {"Craig", 20},       {"Jason", 20},
    {"Simon", 20},     {"Neil", 20},     {"Alan", 20},        {"Philip", 20},
    {"Nicholas", 20},  {"Jonathan", 20}, {"Edward", 20},      {"Henry", 20},
    {"Isaac", 20},     {"Dylan", 20},    {"Tyler", 20},       {"Mason", 20},
    {"Jordan", 20},    {"Aaron", 20},    {"Jamie", 20},       {"Max", 20},
    {"Jake", 20},      {"Bilal", 20},    {"Imran", 20},       {"Abdullah", 20},
    {"Usman", 15},     {"Tariq", 15},    {"Khalid", 15},      {"Abdul", 15},
    {"Zain", 15},      {"Ayaan", 15},    {"Arjun", 15},       {"Abdi", 15},
    {"Declan", 15},    {"Aidan", 15},    {"Brian", 15},       {"Reece", 15},
    {"Kai", 15},       {"Logan", 15},    {"Riley", 15},       {"Jayden", 15},
    {"Kyle", 15},      {"Harvey", 15},   {"Graham", 15},      {"Mustafa", 12},
    {"Faisal", 12},    {"Rohan", 12},    {"Aleksandr", 12},   {"Andrei", 12},
    {"Piotr", 12},     {"Jakub", 12},    {"Elliot", 12},      {"Zachary", 12},
    {"Toby", 12},      {"Keith", 12},    {"Colin", 12},       {"Idris", 10},
    {"Ismail", 10},    {"Rahul", 10},    {"Sandeep", 10},     {"Gurpreet", 10},
    {"Dmitri", 10},    {"Sergei", 10},   {"Lukasz", 10},      {"Ciaran", 10},
    {"Kenneth", 10},   {"Raymond", 10},  {"Geoffrey", 10},    {"Trevor", 10},
    {"Barry", 10},     {"Derek", 10},    {"Harpreet", 8},     {"Amit", 8},
    {"Sanjay", 8},     {"Kacper", 8},    {"Bogdan", 8},       {"Viktor", 8},
    {"Eoin", 8},       {"Frederick", 8}, {"Ellis", 8},        {"Ronald", 8},
    {"Terence", 8},    {"Dennis", 8},    {"Roger", 8},        {"Malcolm", 8},
    {"Deepak", 6},     {"Vijay", 6},     {"Mikhail", 6},      {"Pavel", 6},
    {"Maksim", 6},     {"Padraig", 6},   {"Kofi", 6},         {"Wei", 6},
    {"Leonard", 6},    {"Albert", 6},    {"Harold", 6},       {"Gordon", 6},
    {"Douglas", 6},    {"Guled", 5},     {"Yuri", 5},         {"Dermot", 5},
    {"Kwame", 5},      {"Tunde", 5},     {"Chidi", 5},        {"Jonas", 5},
    {"Emre", 5},       {"Gerald", 5},    {"Seán", 4},         {"José", 4},
    {"Łukasz", 4},     {"Jun", 4},       {"Thanh", 4},        {"Şükrü", 2},
};

constexpr WeightedName kFemaleForenames[] = {
    {"Olivia", 80},    {"Amelia", 70},   {"Emily", 60},     {"Sarah", 60},
    {"Fatima", 50},    {"Isla", 50},     {"Ava", 50},       {"Jessica", 50},
    {"Sophie", 50},    {"Chloe", 50},    {"Charlotte", 50}, {"Mia", 45},
    {"Lily", 45},      {"Lucy", 45},     {"Hannah", 45},    {"Emma", 45},
    {"Aisha", 40},     {"Grace", 40},    {"Ella", 40},      {"Laura", 40},
    {"Amy", 40},       {"Maryam", 35},   {"Isabella", 35},  {"Freya", 35},
    {"Evie", 35},      {"Megan", 35},    {"Lauren", 35},    {"Rebecca", 35},
    {"Elizabeth", 35}, {"Sophia", 30},   {"Poppy", 30},     {"Ruby", 30},
    {"Rachel", 30},    {"Katie", 30},    {"Ellie", 30},     {"Margaret", 30},
    {"Susan", 30},     {"Helen", 30},    {"Zainab", 25},    {"Amina", 25},
    {"Yasmin", 25},    {"Holly", 25},    {"Zoe", 25},       {"Molly", 25},
    {"Catherine", 25}, {"Karen", 25},    {"Julie", 25},     {"Victoria", 25},
    {"Lisa", 25},      {"Claire", 25},   {"Khadija", 20},   {"Layla", 20},
    {"Zara", 20},      {"Ivy", 20},      {"Rosie", 20},     {"Leah", 20},
    {"Jennifer", 20},  {"Nicola", 20},   {"Michelle", 20},  {"Joanne", 20},
    {"Louise", 20},    {"Samantha", 20}, {"Natalie", 20},   {"Jade", 20},
    {"Georgia", 20},   {"Hafsa", 15},    {"Noor", 15},      {"Nadia", 15},
    {"Priya", 15},     {"Niamh", 15},    {"Patricia", 15},  {"Caroline", 15},
    {"Deborah", 15},   {"Kelly", 15},    {"Stephanie", 15}, {"Abigail", 15},
    {"Linda", 15},     {"Florence", 15}, {"Evelyn", 15},    {"Caitlin", 15},
    {"Bethany", 15},   {"Safiya", 10},   {"Halima", 10},    {"Asma", 10},
    {"Samira", 10},    {"Sadia", 10},    {"Pooja", 10},     {"Simran", 10},
    {"Anita", 10},     {"Siobhan", 10},  {"Natalia", 10},   {"Barbara", 10},
    {"Jean", 10},      {"Carol", 10},    {"Matilda", 10},   {"Harriet", 10},
    {"Isabel", 10},    {"Courtney", 10}, {"Salma", 8},      {"Sumaya", 8},
    {"Parveen", 8},    {"Nasreen", 8},   {"Shazia", 8},     {"Anika", 8},
    {"Orla", 8},       {"Olga", 8},      {"Oksana", 8},     {"Yulia", 8},
    {"Anastasia", 8},  {"Pauline", 8},   {"Jacqueline", 8}, {"Demi", 8},
    {"Keira", 12},     {"Shannon", 12},  {"Alexandra", 12}, {"Christine", 12},
    {"Janet", 12},     {"Eleanor", 12},  {"Aoife", 12},     {"Rukhsana", 6},
    {"Hodan", 6},      {"Nasra", 6},     {"Kavita", 6},     {"Sunita", 6},
    {"Saoirse", 6},    {"Roisin", 6},    {"Sinead", 6},     {"Olena", 6},
    {"Ekaterina", 6},  {"Tatiana", 6},   {"Irina", 6},      {"Agnieszka", 6},
    {"Zofia", 6},      {"Katarzyna", 6}, {"Valerie", 6},    {"Theresa", 6},
    {"Frances", 6},    {"Josephine", 6}, {"Kimberley", 6},  {"Lacey", 6},
    {"Tahira", 5},     {"Deka", 5},      {"Maeve", 5},      {"Svetlana", 5},
    {"Elif", 5},       {"Mei", 5},       {"Ngozi", 5},      {"Rosemary", 5},
    {"Madeleine", 5},  {"Lakshmi", 4},   {"Caoimhe", 4},    {"Ama", 4},
    {"Linh", 4},       {"Penelope", 4},  {"Zoë", 4},        {"Chloé", 3},
    {"Ayşe", 3},       {"Renée", 2},
};

// Surnames in the order of their frequency in England and Wales, with the
// communities a large city's referrals come from, and more concentrated
// than in life (Smith 2.6%, Jones 1.7%, Patel 1.3%, Khan 1.2%), which only
// makes blocking keys busier.
constexpr WeightedName kSurnames[] = {
    {"Smith", 120},    {"Jones", 80},      {"Williams", 70},
    {"Taylor", 60},    {"Patel", 60},      {"Brown", 55},
    {"Khan", 55},      {"Davies", 50},     {"Evans", 40},
    {"Wilson", 40},    {"Ali", 40},        {"Ahmed", 40},
    {"Thomas", 35},    {"Johnson", 35},    {"Roberts", 35},
    {"Singh", 35},     {"Hussain", 35},    {"Robinson", 30},
    {"Thompson", 30},  {"Wright", 30},     {"Walker", 30},
    {"Begum", 30},     {"White", 28},      {"Edwards", 28},
    {"Hughes", 28},    {"Green", 27},      {"Hall", 27},
    {"Lewis", 26},     {"Harris", 26},     {"Clarke", 26},
    {"Jackson", 25},   {"Wood", 25},       {"Kaur", 25},
    {"Turner", 24},    {"Martin", 24},     {"Cooper", 24},
    {"Hill", 24},      {"Ward", 23},       {"Morris", 23},
    {"Moore", 23},     {"Clark", 22},      {"Lee", 22},
    {"King", 22},      {"Baker", 22},      {"Harrison", 22},
    {"Morgan", 21},    {"Allen", 21},      {"James", 21},
    {"Scott", 20},     {"Phillips", 20},   {"Watson", 20},
    {"Davis", 20},     {"Parker", 20},     {"Rahman", 20},
    {"Price", 19},     {"Bennett", 19},    {"Young", 19},
    {"Griffiths", 19}, {"Mitchell", 18},   {"Kelly", 18},
    {"Cook", 18},      {"Carter", 18},     {"Richardson", 18},
    {"Bailey", 18},    {"Collins", 17},    {"Bell", 17},
    {"Shaw", 17},      {"Murphy", 17},     {"Miller", 17},
    {"Cox", 16},       {"Richards", 16},   {"Marshall", 16},
    {"Anderson", 16},  {"Simpson", 16},    {"Ellis", 16},
    {"Adams", 16},     {"Wilkinson", 15},  {"Foster", 15},
    {"Chapman", 15},   {"Powell", 15},     {"Webb", 15},
    {"Rogers", 15},    {"Gray", 15},       {"Mason", 15},
    {"Hunt", 15},      {"Islam", 15},      {"Iqbal", 15},
    {"Shah", 15},      {"Malik", 15},      {"Hassan", 15},
    {"Matthews", 14},  {"Owen", 14},       {"Palmer", 14},
    {"Holmes", 14},    {"Mills", 14},      {"Barnes", 14},
    {"Knight", 14},    {"Lloyd", 14},      {"Butler", 14},
    {"Russell", 14},   {"Walsh", 14},      {"Campbell", 14},
    {"Stewart", 14},   {"Murray", 14},     {"Barker", 13},
    {"Fisher", 13},    {"Stevens", 13},    {"Jenkins", 13},
    {"Dixon", 13},     {"Harvey", 13},     {"Pearson", 13},
    {"Fletcher", 13},  {"Gibson", 12},     {"Howard", 12},
    {"Andrews", 12},   {"Elliott", 12},    {"Reynolds", 12},
    {"Saunders", 12},  {"Payne", 12},      {"Fox", 12},
    {"Ford", 12},      {"Pearce", 12},     {"Akhtar", 12},
    {"Mahmood", 12},   {"Choudhury", 12},  {"Uddin", 12},
    {"Miah", 12},      {"Gill", 12},       {"Mohamed", 12},
    {"O'Brien", 12},   {"Byrne", 12},      {"Ryan", 12},
    {"McDonald", 12},  {"Robertson", 12},  {"Reid", 12},
    {"Graham", 12},    {"Day", 11},        {"Brooks", 11},
    {"West", 11},      {"Lawrence", 11},   {"Cole", 11},
    {"Atkinson", 11},  {"Bradley", 11},    {"Spencer", 11},
    {"Dawson", 11},    {"Ball", 11},       {"Burton", 11},
    {"Watts", 10},     {"Rose", 10},       {"Booth", 10},
    {"Perry", 10},     {"Grant", 10},      {"Wells", 10},
    {"Armstrong", 10}, {"Francis", 10},    {"Rees", 10},
    {"Hayes", 10},     {"Hart", 10},       {"Hudson", 10},
    {"Newman", 10},    {"Barrett", 10},    {"Webster", 10},
    {"Hunter", 10},    {"Gregory", 10},    {"Carr", 10},
    {"Lowe", 10},      {"Page", 10},       {"Marsh", 10},
    {"Riley", 10},     {"Dunn", 10},       {"Woods", 10},
    {"Parsons", 10},   {"Berry", 10},      {"Stone", 10},
    {"Siddiqui", 10},  {"Qureshi", 10},    {"Butt", 10},
    {"Bibi", 10},      {"Sharma", 10},     {"Kumar", 10},
    {"Abdi", 10},      {"Nowak", 10},      {"O'Connor", 10},
    {"O'Neill", 10},   {"Doyle", 10},      {"McCarthy", 10},
    {"Ross", 10},      {"Kennedy", 10},    {"Holland", 9},
    {"Hawkins", 9},    {"Harding", 9},     {"Porter", 9},
    {"Newton", 9},     {"Oliver", 9},      {"Reed", 9},
    {"Williamson", 9}, {"Bird", 9},        {"Gardner", 9},
    {"Dean", 9},       {"Lane", 9},        {"Cooke", 9},
    {"Bates", 9},      {"Henderson", 9},   {"Parry", 9},
    {"Burgess", 9},    {"Bishop", 9},      {"Walton", 9},
    {"Burns", 9},      {"Nicholson", 9},   {"Shepherd", 9},
    {"Cross", 8},      {"Long", 8},        {"Freeman", 8},
    {"Warren", 8},     {"Nicholls", 8},    {"Sutton", 8},
    {"Yates", 8},      {"Hodgson", 8},     {"Robson", 8},
    {"Curtis", 8},     {"Hopkins", 8},     {"Harper", 8},
    {"Coleman", 8},    {"Watkins", 8},     {"Moss", 8},
    {"Chambers", 8},   {"Griffin", 8},     {"Sharp", 8},
    {"Hardy", 8},      {"Wheeler", 8},     {"Potter", 8},
    {"Osborne", 8},    {"Haque", 8},       {"Sandhu", 8},
    {"Farah", 8},      {"Osman", 8},       {"Omar", 8},
    {"Nguyen", 8},     {"Chen", 8},        {"Gallagher", 8},
    {"Quinn", 8},      {"Fraser", 8},      {"Hamilton", 8},
    {"Wallace", 8},    {"Gordon", 8},      {"Johnston", 8},
    {"Rowe", 7},       {"Burke", 7},       {"May", 7},
    {"Pritchard", 7},  {"Gilbert", 7},     {"Willis", 7},
    {"Higgins", 7},    {"Read", 7},        {"Miles", 7},
    {"Stevenson", 7},  {"Hammond", 7},     {"Arnold", 7},
    {"Buckley", 7},    {"Walters", 7},     {"Hewitt", 7},
    {"Barber", 7},     {"Nelson", 7},      {"Slater", 7},
    {"Austin", 7},     {"Sullivan", 7},    {"Whitehead", 7},
    {"Mann", 7},       {"Frost", 7},       {"Lambert", 7},
    {"Blake", 7},      {"Lynch", 7},       {"Goodwin", 7},
    {"Barton", 7},     {"Woodward", 7},    {"Cunningham", 7},
    {"Stephenson", 6}, {"Stephens", 6},    {"Thomson", 6},
    {"Barnett", 6},    {"Baxter", 6},      {"Clayton", 6},
    {"Nash", 6},       {"Greenwood", 6},   {"Jennings", 6},
    {"Holt", 6},       {"Kemp", 6},        {"Poole", 6},
    {"Bond", 6},       {"Stokes", 6},      {"Tucker", 6},
    {"Davidson", 6},   {"Fowler", 6},      {"Heath", 6},
    {"Norman", 6},     {"Middleton", 6},   {"Lawson", 6},
    {"Banks", 6},      {"French", 6},      {"Stanley", 6},
    {"Jarvis", 6},     {"Gibbs", 6},       {"Ferguson", 6},
    {"Hayward", 6},    {"Carroll", 6},     {"Farrell", 6},
    {"Mirza", 6},      {"Dhillon", 6},     {"Mistry", 6},
    {"Chauhan", 6},    {"Yusuf", 6},       {"Kowalski", 6},
    {"Wisniewski", 6}, {"Popescu", 6},     {"Yilmaz", 6},
    {"Wang", 6},       {"Brennan", 6},     {"MacDonald", 6},
    {"McKenzie", 6},   {"Warsame", 5},     {"Jama", 5},
    {"Tran", 5},       {"Li", 5},          {"Wong", 5},
    {"Okafor", 5},     {"Adeyemi", 5},     {"Mensah", 5},
    {"Silva", 5},      {"Santos", 5},      {"McLean", 5},
    {"Hartley", 5},    {"Thornton", 5},    {"Hersi", 4},
    {"Kowalczyk", 4},  {"Lewandowski", 4}, {"Ivanov", 4},
    {"Petrov", 4},     {"Kovalenko", 4},   {"Shevchenko", 4},
    {"Ionescu", 4},    {"Demir", 4},       {"Kaya", 4},
    {"Zhang", 4},      {"Liu", 4},         {"Boateng", 4},
    {"Osei", 4},       {"Ferreira", 4},    {"Holloway", 4},
    {"Ingram", 4},     {"Ramsay", 4},      {"Ritchie", 4},
    {"Zielinski", 3},  {"Smirnov", 3},     {"Petrenko", 3},
    {"Horvat", 3},     {"Celik", 3},       {"Papadopoulos", 3},
    {"Okonkwo", 3},    {"Rossi", 3},       {"Müller", 3},
    {"Lomax", 3},      {"Bramley", 3},     {"Garside", 3},
    {"Calder", 3},     {"Haddon", 3},      {"Pike", 3},
    {"Upton", 3},      {"Varley", 3},      {"Merritt", 3},
    {"Fenwick", 3},    {"Jessop", 3},      {"Kingsley", 3},
    {"Oakley", 3},     {"Pryce", 3},       {"Whitlock", 3},
    {"Wardle", 3},     {"Rudd", 3},        {"Pennington", 3},
    {"Denton", 3},     {"Farrow", 3},      {"Gough", 3},
    {"Dubois", 2},     {"Kerridge", 2},    {"Sowerby", 2},
    {"Tolley", 2},     {"Lindgren", 2},    {"Norbury", 2},
    {"Sefton", 2},     {"Tindall", 2},     {"Dunmore", 2},
    {"Fairbairn", 2},  {"Ashdown", 2},     {"Brampton", 2},
    {"Yeo", 2},        {"Lyle", 2},        {"Elstow", 1},
};

// Picks names by weight, deterministically from the generator's numbers.
class WeightedList {
 public:
  template <size_t N>
  explicit WeightedList(const WeightedName (&names)[N]) {
    int64_t total = 0;
    for (const WeightedName& n : names) {
      total += n.weight;
      names_.push_back(n.name);
      cumulative_.push_back(total);
    }
  }

  const char* Pick(std::mt19937_64& rng) const {
    const int64_t r = static_cast<int64_t>(rng() % cumulative_.back());
    const size_t i =
        std::upper_bound(cumulative_.begin(), cumulative_.end(), r) -
        cumulative_.begin();
    return names_[i];
  }

 private:
  std::vector<const char*> names_;
  std::vector<int64_t> cumulative_;
};

const WeightedList& MaleForenames() {
  static const WeightedList* list = new WeightedList(kMaleForenames);
  return *list;
}
const WeightedList& FemaleForenames() {
  static const WeightedList* list = new WeightedList(kFemaleForenames);
  return *list;
}
const WeightedList& Surnames() {
  static const WeightedList* list = new WeightedList(kSurnames);
  return *list;
}

// The letters of the inward code's unit (Royal Mail leaves out CIKMOV).
constexpr absl::string_view kUnitLetters = "ABDEFGHJLNPQRSTUWXYZ";

// Uniform in [0, n).
int Below(std::mt19937_64& rng, int n) { return static_cast<int>(rng() % n); }

// True with probability `percent`/100.
bool Chance(std::mt19937_64& rng, int percent) {
  return Below(rng, 100) < percent;
}

bool IsLeapYear(int year) {
  return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int DaysIn(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30,
                                  31, 31, 30, 31, 30, 31};
  return month == 2 && IsLeapYear(year) ? 29 : kDays[month - 1];
}

// "Smith" -> "smith"; "" unless `name` is a capitalised run of ASCII letters
// (so "O'Brien", "McDonald" and "Seán" keep their one spelling).
std::string PlainLower(absl::string_view name) {
  if (name.empty() || !absl::ascii_isupper(name[0])) return "";
  for (size_t i = 1; i < name.size(); ++i) {
    if (!absl::ascii_islower(name[i])) return "";
  }
  return absl::AsciiStrToLower(name);
}

std::string Capitalised(absl::string_view lower) {
  std::string out(lower);
  if (!out.empty()) out[0] = absl::ascii_toupper(out[0]);
  return out;
}

// A spelling a record in Latin script would plausibly carry: not a script
// skeleton such as "mhmd" or "khald" (what a transliterator makes of the
// name in Arabic script), which the variant table also lists.
bool Readable(absl::string_view token) {
  if (token.size() < 3) return false;
  int vowels = 0;
  for (char c : token)
    vowels += absl::string_view("aeiouy").find(c) != absl::string_view::npos;
  return vowels * 10 >= static_cast<int>(token.size()) * 3;
}

uint64_t SplitMix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// NHS numbers' modulus-11 check digit of `nine` digits; 10 means the
// number cannot be issued.
int NhsCheckDigit(const std::string& nine) {
  int sum = 0;
  for (int i = 0; i < 9; ++i) sum += (nine[i] - '0') * (10 - i);
  const int check = 11 - sum % 11;
  return check == 11 ? 0 : check;
}

// The lines of `table` (names separated by spaces; '#' starts a comment
// line), each split into its names.
std::vector<std::vector<std::string>> TableLines(absl::string_view table) {
  std::vector<std::vector<std::string>> lines;
  for (absl::string_view line : absl::StrSplit(table, '\n')) {
    line = absl::StripAsciiWhitespace(line);
    if (line.empty() || line[0] == '#') continue;
    lines.push_back(absl::StrSplit(line, ' ', absl::SkipEmpty()));
  }
  return lines;
}

void AddUnique(const std::string& value, std::vector<std::string>* values) {
  if (std::find(values->begin(), values->end(), value) == values->end()) {
    values->push_back(value);
  }
}

}  // namespace

SyntheticPopulation::SyntheticPopulation(uint64_t seed)
    : seed_(seed), rng_(seed) {
  // The hub's own tables, so that what the population spells differently is
  // exactly what the matcher is meant to recognise.
  for (std::vector<std::string>& group :
       TableLines(deconfliction::internal::NameVariantsText())) {
    for (const std::string& name : group) spellings_[name].push_back(group);
  }
  for (const std::vector<std::string>& line :
       TableLines(deconfliction::internal::NicknamesText())) {
    for (size_t i = 1; i < line.size(); ++i) {
      AddUnique(line[i], &nicknames_[line[0]]);
      AddUnique(line[0], &formal_names_[line[i]]);
    }
  }
}

std::vector<std::string> SyntheticPopulation::SpellingsOf(
    absl::string_view token) const {
  std::vector<std::string> out;
  const std::string lower = PlainLower(token);
  auto it = spellings_.find(lower);
  if (it == spellings_.end()) return out;
  for (const std::vector<std::string>& group : it->second) {
    for (const std::string& name : group) {
      if (name != lower) AddUnique(Capitalised(name), &out);
    }
  }
  return out;
}

std::vector<std::string> SyntheticPopulation::NicknamesOf(
    absl::string_view token) const {
  std::vector<std::string> out;
  const std::string lower = PlainLower(token);
  if (lower.empty()) return out;
  std::vector<std::string> forms = {lower};
  for (const std::string& spelling : SpellingsOf(token)) {
    forms.push_back(absl::AsciiStrToLower(spelling));
  }
  for (const std::string& form : forms) {
    auto it = nicknames_.find(form);
    if (it == nicknames_.end()) continue;
    for (const std::string& nick : it->second) {
      if (nick != lower) AddUnique(Capitalised(nick), &out);
    }
  }
  if (!out.empty()) return out;
  auto it = formal_names_.find(lower);
  if (it != formal_names_.end()) {
    for (const std::string& formal : it->second) {
      AddUnique(Capitalised(formal), &out);
    }
  }
  return out;
}

std::string SyntheticPopulation::Spelt(absl::string_view name) {
  const std::string lower = PlainLower(name);
  auto it = spellings_.find(lower);
  // Three in four records spell a name its usual way; the rest use one of
  // the group's next few (common) spellings.
  if (it == spellings_.end() || Chance(rng_, 75)) return std::string(name);
  const std::vector<std::string>& group = it->second.front();
  std::vector<absl::string_view> others;
  for (size_t i = 0; i < group.size() && i < 5; ++i) {
    if (group[i] != lower && Readable(group[i])) others.push_back(group[i]);
  }
  if (others.empty()) return std::string(name);
  return Capitalised(others[Below(rng_, static_cast<int>(others.size()))]);
}

std::string SyntheticPopulation::Forename(bool male) {
  return Spelt((male ? MaleForenames() : FemaleForenames()).Pick(rng_));
}

std::string SyntheticPopulation::Surname() {
  std::string surname = Spelt(Surnames().Pick(rng_));
  // Some families carry two surnames, hyphenated.
  if (Chance(rng_, 3)) {
    std::string second = Spelt(Surnames().Pick(rng_));
    if (second != surname) surname = absl::StrCat(surname, "-", second);
  }
  return surname;
}

std::string SyntheticPopulation::Dob(bool* year_only) {
  // Referral subjects are mostly young: over half born 1996-2015, the rest
  // spread over 1940-1995.
  const int year =
      Chance(rng_, 55) ? 1996 + Below(rng_, 20) : 1940 + Below(rng_, 56);
  // A few records know only the year.
  *year_only = Chance(rng_, 1);
  if (*year_only) return absl::StrCat(year);
  const int month = 1 + Below(rng_, 12);
  const int day = 1 + Below(rng_, DaysIn(year, month));
  return absl::StrFormat("%04d-%02d-%02d", year, month, day);
}

std::string SyntheticPopulation::Postcode() {
  const int district = 1 + Below(rng_, 99);
  const int sector = Below(rng_, 10);
  const char a = kUnitLetters[Below(rng_, kUnitLetters.size())];
  const char b = kUnitLetters[Below(rng_, kUnitLetters.size())];
  return absl::StrFormat("ZZ%d %d%c%c", district, sector, a, b);
}

std::string SyntheticPopulation::NhsNumber() {
  // 999 000 0000 - 999 999 9999 is the NHS's range for test numbers. Walk
  // the 10^6 bases in a scrambled order (7919 is prime to 10^6), skipping
  // those whose check digit cannot be issued: unique until they run out.
  while (next_nhs_ < 1000000) {
    const uint64_t base = (next_nhs_++ * 7919 + 12345) % 1000000;
    const std::string nine = absl::StrFormat("999%06d", base);
    const int check = NhsCheckDigit(nine);
    if (check == 10) continue;
    return absl::StrCat(nine.substr(0, 3), " ", nine.substr(3, 3), " ",
                        nine.substr(6), check);
  }
  return "";
}

std::string SyntheticPopulation::Id(uint64_t tag, int64_t index) {
  // UUIDv7-shaped, as the hub's ids are (36 characters), but derived from
  // the seed and index so that every run makes the same ones.
  const uint64_t hi = SplitMix(
      seed_ ^ SplitMix(tag * 0x100000001ULL + static_cast<uint64_t>(index)));
  const uint64_t lo = SplitMix(hi);
  return absl::StrFormat(
      "%08x-%04x-7%03x-%04x-%012x", hi >> 32, (hi >> 16) & 0xffff, hi & 0xfff,
      0x8000 | ((lo >> 48) & 0x3fff), lo & 0xffffffffffffULL);
}

SyntheticPerson SyntheticPopulation::Next() {
  SyntheticPerson person;
  person.index = next_index_++;
  person.subject_id = Id(1, person.index);
  person.referral_id = Id(2, person.index);
  person.male = Chance(rng_, 50);
  person.forenames = Forename(person.male);
  // Many records carry a middle name.
  if (Chance(rng_, 20)) {
    const std::string middle = Forename(person.male);
    if (middle != person.forenames) {
      absl::StrAppend(&person.forenames, " ", middle);
    }
  }

  // Some subjects share a home with another (siblings, a parent): the same
  // postcode, and mostly the same surname.
  if (household_.remaining > 0) {
    --household_.remaining;
    person.surname = Chance(rng_, 80) ? household_.surname : Surname();
    person.postcode = household_.postcode;
  } else {
    person.surname = Surname();
    person.postcode = Postcode();
    if (Chance(rng_, 12)) {
      household_ = {person.surname, person.postcode, 1 + Below(rng_, 2)};
    }
  }
  person.dob = Dob(&person.dob_year_only);
  if (Chance(rng_, 40)) person.nhs_number = NhsNumber();
  return person;
}

rec::Subject SyntheticPopulation::SubjectOf(const SyntheticPerson& person) {
  rec::Subject subject;
  subject.set_subject_id(person.subject_id);
  rec::SubjectIdentity& who = *subject.mutable_identity();
  who.set_forenames(person.forenames);
  who.set_surname(person.surname);
  who.set_dob(person.dob);
  who.set_dob_precision(person.dob_year_only ? rec::SubjectIdentity::YEAR
                                             : rec::SubjectIdentity::EXACT);
  who.set_gender(person.male ? rec::SubjectIdentity::MALE
                             : rec::SubjectIdentity::FEMALE);
  rec::Address& home = *subject.add_addresses();
  home.set_type(rec::Address::HOME);
  home.set_postcode(person.postcode);
  if (!person.nhs_number.empty()) {
    rec::LocalIdentifier& nhs = *subject.add_local_identifiers();
    nhs.set_scheme(rec::LocalIdentifier::NHS_NUMBER);
    nhs.set_value(person.nhs_number);
  }
  return subject;
}

}  // namespace hub::bench
