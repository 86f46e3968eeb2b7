#!/usr/bin/env python3
"""Build the data files used by nutgraf's default Lua rules.

Usage:  python3 tools/build-data.py [SHARED_DATA_DIR]

SHARED_DATA_DIR defaults to ../shared/data relative to the repository root
(the parent of this tools/ directory).  It must contain
  geonames/cities15000.txt, geonames/countryInfo.txt            (CC BY 4.0)
  iptc-media-topics/mediatopics_2023-10-24_en.tsv               (CC BY 4.0)

Outputs (all in lua/data/, UTF-8, sorted, deterministic):
  places.tsv          surface<TAB>canonical<TAB>place<TAB>kind
  places-cued.tsv     the same, for cities named like people (place cue only)
  organizations.tsv   surface<TAB>canonical<TAB>organization<TAB>kind
  given-names.txt     one given name per line
  iptc-topics.tsv     qcode<TAB>level<TAB>parent<TAB>label   (active topics)
  topic-lexicon.tsv   term<TAB>qcode<TAB>weight
  LICENSE.md          licence and provenance

Hand-kept inputs (the project's own lists) live next to this script:
  tools/organizations.in.tsv, tools/given-names.in.txt,
  tools/topic-lexicon.in.tsv, and the tables at the top of this file.

Python 3 standard library only.  The script fails loudly (exit status 1)
on malformed input, unknown or retired IPTC qcodes, and on any output
line that does not have the expected number of non-empty columns.
"""

import os
import sys
import unicodedata
from collections import defaultdict

# --------------------------------------------------------------------------
# Hand-kept tables (facts; the project's own selection)
# --------------------------------------------------------------------------

# countryInfo rows that are historical and left out.
SKIP_COUNTRIES = {"CS", "AN"}

# Canonical name an editor would use, where GeoNames' short name differs.
COUNTRY_CANONICAL = {
    "NL": "Netherlands",
    "PS": "Palestinian Territories",
    "TL": "East Timor",
    "MO": "Macau",
    "CW": "Curaçao",
    "RE": "Réunion",
    "AX": "Åland Islands",
    "BL": "Saint Barthélemy",
    "BQ": "Caribbean Netherlands",
    "CC": "Cocos (Keeling) Islands",
}

# Extra surfaces for countries (keyed by ISO code).
COUNTRY_ALIASES = {
    "US": ["US", "U.S.", "USA", "U.S.A.", "America", "United States of America"],
    "GB": ["UK", "U.K.", "Britain", "Great Britain",
           "United Kingdom of Great Britain and Northern Ireland"],
    "RU": ["Russian Federation"],
    "KR": ["Republic of Korea", "Korea, South", "S. Korea"],
    "KP": ["DPRK", "Democratic People's Republic of Korea", "Korea, North"],
    "IR": ["Islamic Republic of Iran", "Iran, Islamic Republic of"],
    "SY": ["Syrian Arab Republic"],
    "VN": ["Viet Nam"],
    "LA": ["Lao PDR", "Lao People's Democratic Republic"],
    "CZ": ["Czech Republic"],
    "CI": ["Côte d'Ivoire", "Cote d'Ivoire"],
    "TW": ["Republic of China"],
    "VA": ["Vatican City", "Holy See", "Vatican City State"],
    "CN": ["People's Republic of China", "PRC", "mainland China", "Mainland China"],
    "NL": ["The Netherlands", "Holland"],
    "TR": ["Türkiye", "Turkiye"],
    "AE": ["UAE", "U.A.E."],
    "BA": ["Bosnia", "Bosnia-Herzegovina"],
    "CD": ["DR Congo", "DRC", "Democratic Republic of Congo", "Congo-Kinshasa"],
    "CG": ["Republic of Congo", "Congo-Brazzaville", "Congo Republic"],
    "CV": ["Cape Verde"],
    "SZ": ["Swaziland"],
    "MK": ["Macedonia"],
    "MM": ["Burma"],
    "TL": ["Timor-Leste", "Timor Leste"],
    "MO": ["Macao"],
    "CW": ["Curacao"],
    "PS": ["Palestine", "State of Palestine", "Palestinian territories",
           "Occupied Palestinian Territories"],
    "FM": ["Federated States of Micronesia"],
    "BS": ["The Bahamas"],
    "GM": ["The Gambia"],
    "TT": ["Trinidad"],
    "AG": ["Antigua"],
    "KN": ["St. Kitts and Nevis"],
    "LC": ["St. Lucia"],
    "VC": ["St. Vincent and the Grenadines"],
    "ST": ["São Tomé and Príncipe"],
    "PG": ["PNG"],
    "CF": ["CAR"],
    "MD": ["Republic of Moldova"],
    "BN": ["Brunei Darussalam"],
    "FK": ["Falklands"],
    "VI": ["US Virgin Islands"],
    "IE": ["Republic of Ireland"],
    "KG": ["Kyrgyz Republic"],
    "SK": ["Slovak Republic"],
    "BY": ["Republic of Belarus"],
    "DO": ["Dominican Rep."],
    "SA": ["Kingdom of Saudi Arabia"],
    "HK": ["Hong Kong SAR"],
}

# Demonyms / adjectives: ISO code -> surfaces (kind=demonym).
DEMONYMS = {
    "AF": "Afghan Afghans", "AL": "Albanian Albanians", "DZ": "Algerian Algerians",
    "AO": "Angolan Angolans", "AR": "Argentine Argentinian Argentines Argentinians",
    "AM": "Armenian Armenians", "AU": "Australian Australians", "AT": "Austrian Austrians",
    "AZ": "Azerbaijani Azerbaijanis Azeri Azeris", "BH": "Bahraini Bahrainis",
    "BD": "Bangladeshi Bangladeshis", "BY": "Belarusian Belarusians",
    "BE": "Belgian Belgians", "BJ": "Beninese", "BT": "Bhutanese",
    "BO": "Bolivian Bolivians", "BA": "Bosnian Bosnians", "BW": "Botswanan",
    "BR": "Brazilian Brazilians", "BG": "Bulgarian Bulgarians",
    "BF": "Burkinabe", "BI": "Burundian Burundians", "KH": "Cambodian Cambodians",
    "CM": "Cameroonian Cameroonians", "CA": "Canadian Canadians",
    "TD": "Chadian Chadians", "CL": "Chilean Chileans", "CN": "Chinese",
    "CO": "Colombian Colombians", "CD": "Congolese", "CR": "Costa_Rican Costa_Ricans",
    "HR": "Croatian Croatians Croat Croats", "CU": "Cuban Cubans",
    "CY": "Cypriot Cypriots", "CZ": "Czech Czechs", "DK": "Danish Dane Danes",
    "DO": "Dominican Dominicans", "EC": "Ecuadorian Ecuadorians",
    "EG": "Egyptian Egyptians", "SV": "Salvadoran Salvadorans",
    "ER": "Eritrean Eritreans", "EE": "Estonian Estonians",
    "ET": "Ethiopian Ethiopians", "FJ": "Fijian Fijians", "FI": "Finnish Finn Finns",
    "FR": "French", "GA": "Gabonese", "GM": "Gambian Gambians",
    "GE": "Georgian Georgians", "DE": "German Germans", "GH": "Ghanaian Ghanaians",
    "GR": "Greek Greeks", "GT": "Guatemalan Guatemalans", "GN": "Guinean Guineans",
    "GY": "Guyanese", "HT": "Haitian Haitians", "HN": "Honduran Hondurans",
    "HU": "Hungarian Hungarians", "IS": "Icelandic Icelander Icelanders",
    "IN": "Indian Indians", "ID": "Indonesian Indonesians", "IR": "Iranian Iranians",
    "IQ": "Iraqi Iraqis", "IE": "Irish", "IL": "Israeli Israelis",
    "IT": "Italian Italians", "CI": "Ivorian Ivorians", "JM": "Jamaican Jamaicans",
    "JP": "Japanese", "JO": "Jordanian Jordanians", "KZ": "Kazakh Kazakhs Kazakhstani",
    "KE": "Kenyan Kenyans", "XK": "Kosovar Kosovars", "KW": "Kuwaiti Kuwaitis",
    "KG": "Kyrgyz", "LA": "Laotian Laotians", "LV": "Latvian Latvians",
    "LB": "Lebanese", "LR": "Liberian Liberians", "LY": "Libyan Libyans",
    "LT": "Lithuanian Lithuanians", "LU": "Luxembourgish Luxembourger",
    "MG": "Malagasy", "MW": "Malawian Malawians", "MY": "Malaysian Malaysians",
    "MV": "Maldivian Maldivians", "ML": "Malian Malians", "MT": "Maltese",
    "MR": "Mauritanian Mauritanians", "MU": "Mauritian Mauritians",
    "MX": "Mexican Mexicans", "MD": "Moldovan Moldovans", "MN": "Mongolian Mongolians",
    "ME": "Montenegrin Montenegrins", "MA": "Moroccan Moroccans",
    "MZ": "Mozambican Mozambicans", "MM": "Burmese Myanmarese",
    "NA": "Namibian Namibians", "NP": "Nepali Nepalese", "NL": "Dutch",
    "NZ": "New_Zealander New_Zealanders", "NI": "Nicaraguan Nicaraguans",
    "NE": "Nigerien Nigeriens", "NG": "Nigerian Nigerians", "KP": "North_Korean North_Koreans",
    "MK": "Macedonian Macedonians", "NO": "Norwegian Norwegians", "OM": "Omani Omanis",
    "PK": "Pakistani Pakistanis", "PS": "Palestinian Palestinians",
    "PA": "Panamanian Panamanians", "PG": "Papua_New_Guinean",
    "PY": "Paraguayan Paraguayans", "PE": "Peruvian Peruvians",
    "PH": "Filipino Filipinos Philippine", "PL": "Polish Pole Poles",
    "PT": "Portuguese", "PR": "Puerto_Rican Puerto_Ricans", "QA": "Qatari Qataris",
    "RO": "Romanian Romanians", "RU": "Russian Russians", "RW": "Rwandan Rwandans",
    "SA": "Saudi Saudis", "SN": "Senegalese", "RS": "Serbian Serbians Serb Serbs",
    "SL": "Sierra_Leonean Sierra_Leoneans", "SG": "Singaporean Singaporeans",
    "SK": "Slovak Slovaks Slovakian", "SI": "Slovenian Slovenians Slovene Slovenes",
    "SO": "Somali Somalis", "ZA": "South_African South_Africans",
    "KR": "South_Korean South_Koreans Korean Koreans", "SS": "South_Sudanese",
    "ES": "Spanish Spaniard Spaniards", "LK": "Sri_Lankan Sri_Lankans",
    "SD": "Sudanese", "SE": "Swedish Swede Swedes", "CH": "Swiss",
    "SY": "Syrian Syrians", "TW": "Taiwanese", "TJ": "Tajik Tajiks",
    "TZ": "Tanzanian Tanzanians", "TH": "Thai Thais", "TG": "Togolese",
    "TT": "Trinidadian Trinidadians", "TN": "Tunisian Tunisians",
    "TR": "Turkish Turk Turks", "TM": "Turkmen", "UG": "Ugandan Ugandans",
    "UA": "Ukrainian Ukrainians", "AE": "Emirati Emiratis",
    "GB": "British Briton Britons", "US": "American Americans",
    "UY": "Uruguayan Uruguayans", "UZ": "Uzbek Uzbeks", "VE": "Venezuelan Venezuelans",
    "VN": "Vietnamese", "YE": "Yemeni Yemenis", "ZM": "Zambian Zambians",
    "ZW": "Zimbabwean Zimbabweans", "AD": "Andorran", "BB": "Barbadian Bajan",
    "BS": "Bahamian Bahamians", "BZ": "Belizean", "CV": "Cape_Verdean",
    "DJ": "Djiboutian", "GQ": "Equatorial_Guinean", "SZ": "Swazi Eswatini",
    "KM": "Comorian", "LS": "Basotho", "SC": "Seychellois", "SR": "Surinamese",
    "TL": "Timorese", "WS": "Samoan Samoans", "TO": "Tongan Tongans",
    "VU": "Ni-Vanuatu", "SB": "Solomon_Islander", "GL": "Greenlandic Greenlanders",
    "HK": "Hong_Konger Hong_Kongers", "CF": "Central_African",
    "BN": "Bruneian", "MC": "Monegasque", "LI": "Liechtensteiner",
}

# Capitals whose canonical name is fixed by hand (ISO code -> canonical, surfaces).
CAPITAL_OVERRIDE = {
    "US": ("Washington, D.C.", ["Washington", "Washington, D.C.", "Washington D.C.",
                                "Washington DC", "Washington, DC"]),
}

# English exonyms for famous cities: (GeoNames main name, ISO) -> (canonical, aliases).
# Every alias (and a canonical that differs from the main name) must appear
# among that city's GeoNames alternate names; otherwise it is skipped with a
# warning.  Cities listed here are kept whatever their population.
EXONYMS = {
    ("Kyiv", "UA"): ("Kyiv", ["Kiev"]),
    ("Odesa", "UA"): ("Odesa", ["Odessa"]),
    ("Kharkiv", "UA"): ("Kharkiv", ["Kharkov"]),
    ("Mumbai", "IN"): ("Mumbai", ["Bombay"]),
    ("Kolkata", "IN"): ("Kolkata", ["Calcutta"]),
    ("Chennai", "IN"): ("Chennai", ["Madras"]),
    ("Bengaluru", "IN"): ("Bengaluru", ["Bangalore"]),
    ("Chattogram", "BD"): ("Chattogram", ["Chittagong"]),
    ("Yangon", "MM"): ("Yangon", ["Rangoon"]),
    ("Nay Pyi Taw", "MM"): ("Naypyidaw", ["Naypyidaw", "Naypyitaw"]),
    ("Beijing", "CN"): ("Beijing", ["Peking"]),
    ("Guangzhou", "CN"): ("Guangzhou", ["Canton"]),
    ("Ho Chi Minh City", "VN"): ("Ho Chi Minh City", ["Saigon"]),
    ("Makkah", "SA"): ("Mecca", ["Mecca"]),
    ("Madinah", "SA"): ("Medina", ["Medina"]),
    ("Basrah", "IQ"): ("Basra", ["Basra"]),
    ("Köln", "DE"): ("Cologne", ["Cologne"]),
    ("Nürnberg", "DE"): ("Nuremberg", ["Nuremberg"]),
    ("Hannover", "DE"): ("Hanover", ["Hanover"]),
    ("Frankfurt am Main", "DE"): ("Frankfurt", ["Frankfurt"]),
    ("Genève", "CH"): ("Geneva", ["Geneva"]),
    ("Zürich", "CH"): ("Zurich", ["Zurich"]),
    ("Sevilla", "ES"): ("Seville", ["Seville"]),
    ("Saint Petersburg", "RU"): ("Saint Petersburg", ["St. Petersburg", "St Petersburg"]),
    ("New York City", "US"): ("New York City", ["New York", "NYC"]),
    ("Los Angeles", "US"): ("Los Angeles", ["L.A."]),
    ("Las Vegas", "US"): ("Las Vegas", ["Vegas"]),
    ("Québec", "CA"): ("Quebec City", ["Quebec City"]),
    ("Gaza", "PS"): ("Gaza City", ["Gaza City"]),
    ("Astana", "KZ"): ("Astana", ["Nur-Sultan"]),
    ("Kraków", "PL"): ("Kraków", ["Cracow"]),
    ("Lisbon", "PT"): ("Lisbon", ["Lisboa"]),
    ("Tel Aviv", "IL"): ("Tel Aviv", ["Tel Aviv-Yafo"]),
    ("Sanaa", "YE"): ("Sanaa", ["Sana'a"]),
    ("Thessaloníki", "GR"): ("Thessaloniki", ["Salonika"]),
    ("Bucharest", "RO"): ("Bucharest", []),
    ("Hebron", "PS"): ("Hebron", []),
    ("Ramallah", "PS"): ("Ramallah", []),
    ("Rafaḩ", "PS"): ("Rafah", ["Rafah"]),
    ("Khān Yūnis", "PS"): ("Khan Younis", ["Khan Younis", "Khan Yunis"]),
    ("Bethlehem", "PS"): ("Bethlehem", []),
    ("Nazareth", "IL"): ("Nazareth", []),
    ("Bakhmut", "UA"): ("Bakhmut", []),
    ("Mariupol", "UA"): ("Mariupol", []),
    ("Idlib", "SY"): ("Idlib", []),
    ("Cannes", "FR"): ("Cannes", []),
    ("Oxford", "GB"): ("Oxford", []),
    ("Cambridge", "GB"): ("Cambridge", []),
    ("Strasbourg", "FR"): ("Strasbourg", []),
    ("Kandahār", "AF"): ("Kandahar", ["Kandahar"]),
    ("Herāt", "AF"): ("Herat", ["Herat"]),
    ("Goma", "CD"): ("Goma", []),
    ("Benghazi", "LY"): ("Benghazi", []),
}

# US states: name -> (canonical, AP-style abbreviations).  Postal codes are
# deliberately NOT surfaces.  "Miss." is left out (a courtesy title).
US_STATES = {
    "Alabama": ["Ala."], "Alaska": [], "Arizona": ["Ariz."], "Arkansas": ["Ark."],
    "California": ["Calif."], "Colorado": ["Colo."], "Connecticut": ["Conn."],
    "Delaware": ["Del."], "Florida": ["Fla."], "Georgia": ["Ga."], "Hawaii": [],
    "Idaho": [], "Illinois": ["Ill."], "Indiana": ["Ind."], "Iowa": [],
    "Kansas": ["Kan."], "Kentucky": ["Ky."], "Louisiana": ["La."], "Maine": [],
    "Maryland": ["Md."], "Massachusetts": ["Mass."], "Michigan": ["Mich."],
    "Minnesota": ["Minn."], "Mississippi": [], "Missouri": ["Mo."],
    "Montana": ["Mont."], "Nebraska": ["Neb."], "Nevada": ["Nev."],
    "New Hampshire": ["N.H."], "New Jersey": ["N.J."], "New Mexico": ["N.M."],
    "New York": ["N.Y."], "North Carolina": ["N.C."], "North Dakota": ["N.D."],
    "Ohio": [], "Oklahoma": ["Okla."], "Oregon": ["Ore."], "Pennsylvania": ["Pa."],
    "Rhode Island": ["R.I."], "South Carolina": ["S.C."], "South Dakota": ["S.D."],
    "Tennessee": ["Tenn."], "Texas": [], "Utah": [], "Vermont": ["Vt."],
    "Virginia": ["Va."], "Washington": ["Wash.", "Washington state", "Washington State"],
    "West Virginia": ["W.Va.", "W. Va."], "Wisconsin": ["Wis."], "Wyoming": ["Wyo."],
    "District of Columbia": ["D.C."],
}
# States whose bare name is shared with a country or a big city: canonical
# gets a qualifier so both readings can coexist in places.tsv.
US_STATE_CANONICAL = {
    "Georgia": "Georgia (U.S. state)",
    "Washington": "Washington (state)",
    "New York": "New York (state)",
    "District of Columbia": "Washington, D.C.",
}

CANADA_PROVINCES = {
    "Ontario": ["Ont."], "Quebec": ["Québec", "Que."], "British Columbia": ["B.C."],
    "Alberta": ["Alta."], "Manitoba": ["Man."], "Saskatchewan": ["Sask."],
    "Nova Scotia": ["N.S."], "New Brunswick": ["N.B."],
    "Newfoundland and Labrador": ["Newfoundland"], "Prince Edward Island": ["P.E.I."],
    "Yukon": [], "Northwest Territories": [], "Nunavut": [],
}
# "Victoria" (the Australian state) is left out as a bare surface: it is a
# common given name and a city name; "Victoria state" is kept.
AUSTRALIA_STATES = {
    "New South Wales": ["NSW"], "Victoria (Australia)": ["Victoria state"],
    "Queensland": [], "Western Australia": [], "South Australia": [],
    "Tasmania": [], "Northern Territory": [], "Australian Capital Territory": [],
}
UK_NATIONS = {"England": [], "Scotland": [], "Wales": [], "Northern Ireland": []}

# First-level divisions and well-known regions of other countries, often
# named in news without their country (kind=province). Names that are also
# common given names, surnames or words ("Hesse", "Guerrero", "Java") are left
# out; so are divisions named like their capital city (the city is listed).
WORLD_DIVISIONS = [
    # India
    "Uttar Pradesh", "Maharashtra", "Bihar", "West Bengal", "Madhya Pradesh", "Tamil Nadu",
    "Rajasthan", "Karnataka", "Gujarat", "Andhra Pradesh", "Odisha", "Telangana", "Kerala",
    "Jharkhand", "Assam", "Punjab", "Chhattisgarh", "Haryana", "Uttarakhand",
    "Himachal Pradesh", "Tripura", "Meghalaya", "Manipur", "Nagaland", "Goa",
    "Arunachal Pradesh", "Mizoram", "Sikkim", "Jammu and Kashmir", "Ladakh",
    # Pakistan, Afghanistan, Iraq
    "Sindh", "Khyber Pakhtunkhwa", "Balochistan", "Helmand", "Nangarhar", "Anbar",
    # China
    "Guangdong", "Sichuan", "Hebei", "Henan", "Hubei", "Hunan", "Shanxi", "Shaanxi", "Gansu",
    "Yunnan", "Guizhou", "Jiangsu", "Zhejiang", "Fujian", "Anhui", "Jiangxi", "Shandong",
    "Liaoning", "Heilongjiang", "Hainan", "Qinghai", "Guangxi", "Ningxia", "Inner Mongolia",
    # Germany
    "Bavaria", "Saxony", "Lower Saxony", "Thuringia", "North Rhine-Westphalia",
    "Baden-Württemberg", "Rhineland-Palatinate", "Schleswig-Holstein",
    "Mecklenburg-Western Pomerania", "Saxony-Anhalt", "Saarland",
    # France
    "Normandy", "Provence", "Burgundy", "Alsace", "Corsica", "Occitania", "Île-de-France",
    # Italy
    "Lombardy", "Tuscany", "Sicily", "Sardinia", "Piedmont", "Veneto", "Campania", "Calabria",
    "Apulia", "Puglia", "Emilia-Romagna", "Liguria", "Umbria", "Abruzzo", "South Tyrol",
    # Spain
    "Andalusia", "Galicia", "Basque Country", "Castile and León", "Castilla-La Mancha",
    "Aragon", "Asturias", "Cantabria", "Navarre", "Extremadura", "Canary Islands",
    "Balearic Islands",
    # United Kingdom
    "Yorkshire", "Cornwall", "Lancashire", "Merseyside", "Cumbria", "Northumberland",
    # Mexico, Brazil
    "Sinaloa", "Jalisco", "Michoacán", "Sonora", "Tamaulipas", "Chiapas", "Baja California",
    "Nuevo León", "Yucatán", "Quintana Roo", "Coahuila", "Rio Grande do Sul", "Minas Gerais",
    "Bahia", "Amazonas", "Pernambuco", "Mato Grosso",
    # Russia, Ukraine's neighbours, the Caucasus
    "Chechnya", "Dagestan", "Tatarstan", "Bashkortostan", "Karelia",
    # Asia-Pacific
    "Mindanao", "Luzon", "Visayas", "Sumatra", "Bali", "Papua", "Aceh", "Sulawesi", "Borneo",
    "Kalimantan", "Hokkaido", "Kyushu", "Honshu", "Shikoku", "Rakhine", "Kachin",
    # Africa
    "Amhara", "Oromia", "Kordofan", "North Kivu", "South Kivu", "Ituri", "Katanga", "Borno",
    "Puntland", "Somaliland",
    "Lualaba", "Haut-Katanga", "Kasai", "Kasai-Oriental", "Tshopo", "Maniema", "Kwilu",
    "Afar", "Sidama", "Benishangul-Gumuz", "South Ethiopia", "Zamfara", "Benue", "Kogi",
    "Kwara", "Bayelsa", "Yobe", "Adamawa", "Taraba", "Kebbi", "Ogun", "Ondo", "Osun", "Ekiti",
    "Anambra", "Akwa Ibom", "Rivers State", "Plateau State", "Niger State", "Delta State",
    "Cabo Delgado", "Nampula", "Tete",
    # Philippines (provinces named in storm, quake and conflict reports)
    "Leyte", "Southern Leyte", "Samar", "Eastern Samar", "Northern Samar", "Bohol", "Palawan",
    "Mindoro", "Negros", "Negros Occidental", "Negros Oriental", "Catanduanes", "Albay",
    "Camarines Sur", "Camarines Norte", "Cagayan", "Pampanga", "Bulacan", "Cavite",
    "Benguet", "Ilocos Norte", "Ilocos Sur", "Zambales", "Sulu", "Basilan", "Maguindanao",
    "Lanao del Sur", "Lanao del Norte", "Bukidnon", "Agusan del Sur", "Agusan del Norte",
    "Surigao del Sur", "Surigao del Norte", "Davao de Oro", "Davao del Norte", "Davao Oriental",
    "Zamboanga del Sur", "Sarangani",
    # Indonesia, Myanmar, Pakistan, Bangladesh
    "Central Java", "West Java", "East Java", "North Sumatra", "West Sumatra", "Lombok",
    "East Nusa Tenggara", "West Nusa Tenggara", "Maluku", "Sagaing", "Shan State",
    "Gilgit-Baltistan", "Azad Kashmir",
    # Latin America
    "Araucanía", "Biobío", "Antioquia", "Cauca", "Valle del Cauca", "Nariño", "Chocó",
    "Ceará", "Goiás", "Santa Catarina", "Maranhão", "Espírito Santo", "Rondônia",
    "Roraima", "Piauí", "Alagoas", "Tocantins", "Mato Grosso do Sul", "Paraná",
    "Guanajuato", "Zacatecas", "Morelos", "Tabasco", "Chubut",
    # Europe
    "Azores", "Madeira", "Algarve", "Alentejo", "Flanders", "Wallonia", "Tyrol", "Carinthia",
    "Styria", "Upper Austria", "Lower Austria", "Ticino", "Valais", "Graubünden", "Attica",
    "Peloponnese", "Thessaly", "Silesia", "Pomerania", "Masovia",
]

# Landmarks and venues that news names bare, without a head word such as
# "Stadium" or "Palace" (kind=landmark): seats of government ("the
# Capitol", "the Statehouse"), grounds ("Anfield", "the Gabba"), streets and
# promenades. Left out: names used for the institution rather than the
# building (the Kremlin, the White House, the Pentagon, and likewise La
# Moneda, Casa Rosada, Malacañang are organizations when they speak),
# and names of events (Wimbledon, Roland Garros).
LANDMARKS = [
    "Capitol", "U.S. Capitol", "Statehouse", "Palacio Nacional", "Anfield", "Camp Nou", "Santiago Bernabéu", "Bernabéu", "San Siro", "Maracanã", "Gabba",
    "Murrayfield", "Twickenham", "Old Trafford", "Wembley", "Parc des Princes",
    "Stade de France", "Silverstone", "Flushing Meadows", "Headingley",
    "Croisette", "Champs-Élysées", "Unter den Linden", "Trafalgar Square",
]

# Rivers, mountain ranges, deserts and islands that news names bare ("along
# the Seine", "the Danube burst its banks"), kind=region. Left out: names
# that are also given names, countries, states or companies (Don, Shannon,
# Jordan, Columbia, Amazon, Hudson, Clyde, Lena, Po, Ob) or mostly cities
# (Dnipro).
LANDFORMS = [
    # rivers
    "Nile", "Danube", "Rhine", "Rhône", "Seine", "Loire", "Thames", "Tiber", "Elbe", "Oder",
    "Vistula", "Dnieper", "Volga", "Ganges", "Indus", "Brahmaputra", "Yangtze",
    "Yellow River", "Mekong", "Euphrates", "Tigris", "Zambezi", "Limpopo", "Potomac",
    "Rio Grande", "Orinoco", "Irrawaddy", "Drava", "Sava", "Tisza", "Marne", "Somme", "Meuse",
    "Moselle", "Arno", "Douro", "Tagus", "Ebro", "Severn", "Mersey", "Tyne", "Liffey",
    "Yenisei", "Amur", "Niger River", "Congo River", "Okavango", "Mackenzie River", "Yukon River",
    # mountains, deserts, plains
    "Alps", "Andes", "Rockies", "Rocky Mountains", "Pyrenees", "Urals", "Carpathians",
    "Apennines", "Appalachians", "Everest", "Mount Everest", "Kilimanjaro", "Mont Blanc",
    "Hindu Kush", "Sahara", "Gobi", "Kalahari", "Atacama", "Negev", "Serengeti", "Outback",
    # islands
    "Oahu", "Maui", "Crete", "Rhodes", "Lesbos", "Lampedusa", "Zanzibar", "Svalbard",
    "Tenerife", "Mallorca", "Majorca", "Ibiza", "Sardinia", "Corsica", "Bornholm", "Gotland",
]

# World regions and frequently reported areas (kind=region).
REGIONS = {
    "Europe": [], "Asia": [], "Africa": [], "Oceania": [], "Antarctic": [],
    "Middle East": ["Mideast"], "Latin America": [], "Southeast Asia": ["South-East Asia"],
    "Balkans": ["the Balkans", "Western Balkans"], "Scandinavia": [],
    "Nordic countries": ["Nordics"], "Baltic states": ["Baltics"],
    "Persian Gulf": ["Gulf", "the Gulf", "Arabian Gulf", "Gulf region"],
    "Pacific": ["Pacific Ocean", "South Pacific"], "Atlantic": ["Atlantic Ocean"],
    "Indian Ocean": [], "Arctic": [], "Sub-Saharan Africa": ["sub-Saharan Africa"],
    "Western Europe": [], "Eastern Europe": [], "Central Europe": [],
    "Southern Europe": [], "Northern Europe": [],
    "North America": [], "South America": [], "Central America": [],
    "East Asia": [], "South Asia": [], "Central Asia": [], "West Asia": [],
    "Caribbean": ["the Caribbean"], "Indo-Pacific": [], "Asia-Pacific": ["Asia Pacific"],
    "Sahel": [], "Horn of Africa": [], "North Africa": [], "West Africa": [],
    "East Africa": [], "Southern Africa": [], "Central Africa": [],
    "Mediterranean": [], "Black Sea": [], "Red Sea": [], "Baltic Sea": [],
    "South China Sea": [], "East China Sea": [], "Taiwan Strait": [],
    "Strait of Hormuz": [], "Gulf of Mexico": [], "Korean Peninsula": [],
    "Arabian Peninsula": [], "Caucasus": ["South Caucasus"], "Levant": [],
    "Maghreb": [], "Eurasia": [], "Himalayas": [], "Amazon rainforest": ["Amazon basin"],
    "Gaza Strip": ["Gaza"], "West Bank": [], "Golan Heights": [], "Sinai": ["Sinai Peninsula"],
    "Crimea": [], "Donbas": ["Donbass"], "Kashmir": [], "Xinjiang": [], "Tibet": [],
    "Kurdistan": [], "Catalonia": [], "Darfur": [], "Tigray": [],
    "Nagorno-Karabakh": [], "Transnistria": [], "Siberia": [],
    "Silicon Valley": [], "Midwest": [], "New England": [], "Pacific Northwest": [],
    "Rust Belt": [], "Sun Belt": [], "Bay Area": ["San Francisco Bay Area"],
    "Gulf Coast": [], "West Coast": [], "East Coast": [], "Deep South": [],
    "Appalachia": [], "Scottish Highlands": [], "Patagonia": [], "Anatolia": [],
    # former states, still named in news and history
    "Soviet Union": ["USSR", "U.S.S.R."], "Yugoslavia": [], "Czechoslovakia": [],
    "Ottoman Empire": [], "British Empire": [], "Austria-Hungary": [], "Prussia": [],
}

# City surfaces dropped because they are common English words or common
# given names/surnames when capitalised (kept only if population >= 1,000,000).
CITY_STOP = {
    "Of", "Mobile", "Split", "Bath", "Reading", "Nice", "Orange", "Victoria",
    "Florence", "Hamilton", "Lincoln", "Madison", "Sale", "Male", "Hue", "Aurora",
    "Gilbert", "Chandler", "Henderson", "Irving", "Garland", "Surprise",
    "Independence", "Temple", "Midland", "Concord", "Mission", "Salem", "Sagar",
    "Laval", "Regina", "Kingston upon Hull", "Douglas", "Stanley", "Central",
    "Eastern", "Western", "Northern", "Southern", "Union", "Enterprise",
    "Marion", "Jackson", "Bay", "Ocean", "Spring", "Summit",
    "Batman", "Mandi", "Bally", "Deal",
    "Lodi", "Mau", "Gaya", "Bida", "Jos", "Ede", "Ado", "Aba", "Oyo", "Ife",
    "Buea", "Isa", "Mi", "Ha", "An", "Da", "Pro", "Bar", "Bus", "Gift",
    "Oral", "Van", "Sari", "Carrefour", "Toyota", "Vaughan", "Markham",
    "Woodlands", "Perm", "Bello", "Santos", "Riverside", "Pereira", "Libertad",
    "Meads", "Kita", "Ota", "Koto", "Tsu", "Yao", "Nada", "Kira", "Manta",
    "Franca", "Serra", "Bimbo", "Santol", "Ironville", "Singa",
}
# Of those, the ones that are cities first when a place cue comes before
# them ("in Reading", "in Salem"): kept in places-cued.tsv.
CITY_STOP_CUED = {
    "Mobile", "Reading", "Nice", "Bath", "Split", "Orange", "Victoria", "Florence",
    "Hamilton", "Lincoln", "Madison", "Salem", "Aurora", "Gilbert", "Chandler",
    "Henderson", "Irving", "Garland", "Temple", "Midland", "Concord", "Laval", "Regina",
    "Douglas", "Stanley", "Marion", "Jackson", "Lodi", "Santos", "Riverside", "Markham",
    "Vaughan", "Perm", "Independence",
}
CITY_MIN_POP = 100000
# Smaller cities and towns (down to cities15000's floor) get kind "town":
# rules accept them only with a place cue ("in X", "X, State", a dateline),
# since many are also surnames or common words.
TOWN_MIN_POP = 15000
STOP_KEEP_POP = 1000000

# A surface may map to more than one canonical only in these deliberate cases.
ALLOWED_AMBIGUOUS = {"Georgia", "Washington", "New York"}
# When a surface has several canonicals, the gazetteer loader keeps the first
# line as the default reading: these canonicals are written first.
PREFERRED_READING = {
    "Washington": "Washington, D.C.",
    "New York": "New York City",
    "Georgia": "Georgia",
    "St. Petersburg": "Saint Petersburg",
    "San Jose": "San Jose",
}


# --------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------

def die(msg):
    sys.stderr.write("build-data.py: error: " + msg + "\n")
    sys.exit(1)


def warn(msg):
    sys.stderr.write("build-data.py: warning: " + msg + "\n")


def strip_accents(s):
    s = s.replace("\u2019", "'").replace("\u2018", "'")
    d = unicodedata.normalize("NFKD", s)
    return "".join(c for c in d if not unicodedata.combining(c))


def clean(s):
    return " ".join(s.replace("\t", " ").split())


def write_lines(path, header, lines):
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        for h in header:
            f.write("# " + h + "\n" if h else "#\n")
        for line in lines:
            f.write(line + "\n")


def check_rows(name, rows, ncols):
    for r in rows:
        if len(r) != ncols or any((not c) or ("\t" in c) or ("\n" in c) for c in r):
            die("%s: bad row %r" % (name, r))


# --------------------------------------------------------------------------
# places
# --------------------------------------------------------------------------

def read_countries(path):
    rows = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            c = line.rstrip("\n").split("\t")
            if len(c) < 17:
                die("countryInfo.txt: short row %r" % line[:60])
            iso, name, capital = c[0], clean(c[4]), clean(c[5])
            if iso in SKIP_COUNTRIES:
                continue
            rows.append((iso, name, capital))
    return rows


def read_cities(path):
    cities = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            c = line.rstrip("\n").split("\t")
            if len(c) < 19:
                die("cities15000.txt: short row %r" % line[:60])
            try:
                pop = int(c[14] or 0)
            except ValueError:
                die("cities15000.txt: bad population in %r" % line[:60])
            cities.append({
                "id": int(c[0]), "name": clean(c[1]), "ascii": clean(c[2]),
                "alt": set(clean(a) for a in c[3].split(",") if a.strip()),
                "fcode": c[7], "cc": c[8], "pop": pop,
            })
    # most populous first, then id: deterministic
    cities.sort(key=lambda x: (-x["pop"], x["id"]))
    return cities


def city_surfaces(city):
    out = [city["name"]]
    s = strip_accents(city["name"])
    if s != city["name"]:
        if all(ord(ch) < 128 for ch in s):
            out.append(s)
        elif all(ord(ch) < 128 for ch in city["ascii"]):
            out.append(city["ascii"])
    return out


def build_places(gdir, given_names):
    countries = read_countries(os.path.join(gdir, "countryInfo.txt"))
    cities = read_cities(os.path.join(gdir, "cities15000.txt"))
    iso_canon = {}
    rows = {}  # (surface, canonical) -> kind

    def add(surface, canonical, kind):
        surface, canonical = clean(surface), clean(canonical)
        if not surface or not canonical:
            return
        key = (surface, canonical)
        if key in rows and rows[key] != kind:
            # keep the first kind (countries before cities etc.)
            return
        rows.setdefault(key, kind)

    # countries
    for iso, name, _cap in countries:
        canon = COUNTRY_CANONICAL.get(iso, name)
        iso_canon[iso] = canon
        add(canon, canon, "country")
        add(name, canon, "country")
        s = strip_accents(canon)
        if s != canon and iso not in ("RE",):  # "Reunion" is an English word
            add(s, canon, "country")
        for a in COUNTRY_ALIASES.get(iso, []):
            add(a, canon, "country")
    for iso in COUNTRY_ALIASES:
        if iso not in iso_canon:
            die("COUNTRY_ALIASES: unknown ISO code %s" % iso)

    # demonyms
    for iso, words in sorted(DEMONYMS.items()):
        if iso not in iso_canon:
            die("DEMONYMS: unknown ISO code %s" % iso)
        # multi-word demonyms are written with '_' for the space
        merged = [t.replace("_", " ") for t in words.split()]
        for d in merged:
            add(d, iso_canon[iso], "demonym")

    # sub-national units
    state_surfaces = set()
    for name, abbrs in US_STATES.items():
        canon = US_STATE_CANONICAL.get(name, name)
        for s in [name] + abbrs:
            add(s, canon, "state")
            state_surfaces.add(s)
    for table, kind in ((CANADA_PROVINCES, "province"), (AUSTRALIA_STATES, "state"),
                        (UK_NATIONS, "nation")):
        for name, abbrs in table.items():
            surfs = abbrs if "(" in name else [name] + abbrs
            for s in surfs:
                add(s, name, kind)
                state_surfaces.add(s)
    for name in WORLD_DIVISIONS:
        for s in {name, strip_accents(name)}:
            add(s, name, "province")
            state_surfaces.add(s)
    for name in LANDFORMS:
        for s in {name, strip_accents(name)}:
            add(s, name, "region")
            state_surfaces.add(s)
    for name in LANDMARKS:
        for s in {name, strip_accents(name)}:
            add(s, name, "landmark")
            state_surfaces.add(s)
    region_surfaces = set()
    for name, aliases in REGIONS.items():
        for s in [name] + aliases:
            add(s, name, "region")
            region_surfaces.add(s)

    country_surfaces = {s for (s, c), k in rows.items() if k in ("country", "demonym")}
    blocked = (country_surfaces | state_surfaces | region_surfaces) - ALLOWED_AMBIGUOUS

    # cities
    by_key = defaultdict(list)
    for c in cities:
        by_key[(c["name"], c["cc"])].append(c)
        by_key[(c["ascii"], c["cc"])].append(c)
    exonym_ids = {}
    for (name, cc), (canon, aliases) in sorted(EXONYMS.items()):
        cands = [c for c in by_key.get((name, cc), []) if c["name"] == name]
        if not cands:
            warn("EXONYMS: %s (%s) not found in cities15000; skipped" % (name, cc))
            continue
        c = cands[0]
        names_ok = c["alt"] | {c["name"], c["ascii"]}
        good = []
        for a in aliases:
            if a in names_ok:
                good.append(a)
            else:
                warn("EXONYMS: %r is not a GeoNames alternate of %s; skipped" % (a, name))
        if canon not in names_ok:
            warn("EXONYMS: canonical %r not a GeoNames name of %s; using %s"
                 % (canon, name, c["name"]))
            canon = c["name"]
        exonym_ids[c["id"]] = (canon, good)

    dropped = defaultdict(set)
    cued = {}  # surface -> canonical: cities named like people

    def add_city(c, canon, extra, force=False, kind="city"):
        surfs = city_surfaces(c) + list(extra)
        if canon not in surfs:
            surfs.append(canon)
        for s in surfs:
            if s in blocked:
                dropped["collides with country/state/region"].add(s)
                continue
            if not force and c["pop"] < STOP_KEEP_POP:
                if s in CITY_STOP:
                    dropped["stop list"].add(s)
                    if s in CITY_STOP_CUED:
                        cued.setdefault(s, canon)
                    continue
                if s in given_names:
                    # "Salem", "Austin", "Charlotte": kept apart, for a place
                    # cue only ("in Salem"), so no name rule reads them
                    dropped["given name (in places-cued.tsv)"].add(s)
                    cued.setdefault(s, canon)
                    continue
            add(s, canon, kind)

    seen_ids = set()
    # capitals first
    for iso, _name, cap in countries:
        if not cap:
            continue
        if iso in CAPITAL_OVERRIDE:
            canon, surfs = CAPITAL_OVERRIDE[iso]
            for s in surfs:
                add(s, canon, "city")
            for c in by_key.get((cap, iso), []):
                seen_ids.add(c["id"])
            continue
        cands = by_key.get((cap, iso), [])
        if not cands:
            cands = [c for c in cities if c["cc"] == iso and cap in c["alt"]
                     and c["fcode"] == "PPLC"]
        cands = sorted(cands, key=lambda c: (c["fcode"] != "PPLC", -c["pop"], c["id"]))
        if cands:
            c = cands[0]
            seen_ids.add(c["id"])
            canon, extra = exonym_ids.get(c["id"], (c["name"], []))
            add_city(c, canon, extra + ([cap] if cap != canon else []))
        else:
            if cap in blocked or cap in CITY_STOP or cap in given_names:
                dropped["capital not kept"].add(cap)
                continue
            add(cap, cap, "city")
    for c in cities:
        if c["id"] in seen_ids:
            continue
        if c["id"] in exonym_ids:
            canon, extra = exonym_ids[c["id"]]
            add_city(c, canon, extra, force=True)
            seen_ids.add(c["id"])
        elif c["pop"] >= CITY_MIN_POP:
            add_city(c, c["name"], [])
            seen_ids.add(c["id"])
    # towns last: a surface already held by a city, country or region keeps
    # that reading only
    held = {s for (s, _c) in rows}
    for c in cities:
        if c["id"] in seen_ids or c["pop"] < TOWN_MIN_POP:
            continue
        if c["fcode"] not in ("PPL", "PPLA", "PPLA2", "PPLA3", "PPLA4", "PPLC", "PPLX", "PPLG"):
            continue
        if any(s in held for s in city_surfaces(c)):
            continue
        add_city(c, c["name"], [], kind="town")
        seen_ids.add(c["id"])

    out = sorted(((s, c, "place", k) for (s, c), k in rows.items()),
                 key=lambda r: (r[0], PREFERRED_READING.get(r[0]) != r[1], r[1]))
    check_rows("places", out, 4)
    by_surface = defaultdict(set)
    for s, c, _t, _k in out:
        by_surface[s].add(c)
    ambiguous = sorted(s for s, cs in by_surface.items() if len(cs) > 1)
    held = {r[0] for r in out}
    cued_rows = sorted((c, n, "place", "town") for c, n in cued.items() if c not in held)
    return out, ambiguous, dropped, cued_rows


# --------------------------------------------------------------------------
# organizations
# --------------------------------------------------------------------------

ORG_KINDS = {"government", "company", "international", "party", "media",
             "sports", "ngo", "education"}


def build_orgs(path):
    rows = {}
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line.strip() or line.startswith("#"):
                continue
            cols = line.split("\t")
            if len(cols) not in (2, 3):
                die("%s:%d: expected 2 or 3 TAB-separated columns" % (path, n))
            canon, kind = clean(cols[0]), cols[1].strip()
            if kind not in ORG_KINDS:
                die("%s:%d: unknown kind %r" % (path, n, kind))
            aliases = [clean(a) for a in cols[2].split("|")] if len(cols) == 3 else []
            for s in [canon] + aliases:
                if not s:
                    die("%s:%d: empty alias" % (path, n))
                key = (s, canon)
                if key in rows and rows[key] != kind:
                    die("%s:%d: %r listed twice with different kinds" % (path, n, s))
                rows[key] = kind
    out = sorted((s, c, "organization", k) for (s, c), k in rows.items())
    check_rows("organizations", out, 4)
    by_surface = defaultdict(set)
    for s, c, _t, _k in out:
        by_surface[s].add(c)
    ambiguous = sorted(s for s, cs in by_surface.items() if len(cs) > 1)
    return out, ambiguous


# --------------------------------------------------------------------------
# given names
# --------------------------------------------------------------------------

def build_given_names(path):
    names = set()
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.split("#", 1)[0]
            for w in line.split():
                if not any(ch.isalpha() for ch in w):
                    die("%s: not a name: %r" % (path, w))
                names.add(w)
    return sorted(names)


# --------------------------------------------------------------------------
# IPTC
# --------------------------------------------------------------------------

def build_iptc(path):
    rows = []
    with open(path, encoding="utf-8") as f:
        header = f.readline().rstrip("\n").split("\t")
        want = ["qcode", "level", "parent", "label_en", "retired", "wikidata"]
        if header[:6] != want:
            die("%s: unexpected header %r" % (path, header))
        for n, line in enumerate(f, 2):
            c = line.rstrip("\n").split("\t")
            if len(c) < 5:
                die("%s:%d: short row" % (path, n))
            qcode, level, parent, label, retired = (x.strip() for x in c[:5])
            if retired:
                continue
            if not qcode.startswith("medtop:") or not level.isdigit() or not label:
                die("%s:%d: bad row %r" % (path, n, c[:5]))
            rows.append([qcode, level, parent or "-", clean(label)])
    active = {r[0] for r in rows}
    for r in rows:
        if r[2] != "-" and r[2] not in active:
            die("iptc: parent %s of %s is not active" % (r[2], r[0]))
    rows.sort(key=lambda r: r[0])
    check_rows("iptc-topics", rows, 4)
    return rows, {r[0]: r for r in rows}


def build_lexicon(path, topics):
    rows = {}
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line.strip() or line.startswith("#"):
                continue
            c = line.split("\t")
            if len(c) != 3:
                die("%s:%d: expected 3 TAB-separated columns" % (path, n))
            term, qcode, w = clean(c[0]), c[1].strip(), c[2].strip()
            if not term or term != term.lower():
                die("%s:%d: term must be non-empty lower case: %r" % (path, n, term))
            if qcode not in topics:
                die("%s:%d: qcode %s is unknown or retired" % (path, n, qcode))
            try:
                wf = float(w)
            except ValueError:
                die("%s:%d: bad weight %r" % (path, n, w))
            if not 0.2 <= wf <= 1.0:
                die("%s:%d: weight %s outside 0.2..1.0" % (path, n, w))
            if (term, qcode) in rows:
                die("%s:%d: duplicate (term, qcode) %r" % (path, n, (term, qcode)))
            rows[(term, qcode)] = "%.1f" % wf
    out = sorted((t, q, w) for (t, q), w in rows.items())
    check_rows("topic-lexicon", out, 3)
    terms = defaultdict(list)
    for t, q, _w in out:
        terms[t].append(q)
    multi = sorted(t for t, qs in terms.items() if len(qs) > 1)
    return out, multi


# --------------------------------------------------------------------------
# main
# --------------------------------------------------------------------------

LICENSE_MD = """# lua/data — licence and provenance

These files are generated by `tools/build-data.py`; do not edit them by hand.
Rebuild with:

    python3 tools/build-data.py [SHARED_DATA_DIR]

`SHARED_DATA_DIR` defaults to `../shared/data` relative to the repository
root. The script uses the Python 3 standard library only, and its output is
deterministic (sorted).

## Files

| file | contents | derived from |
|---|---|---|
| `places-cued.tsv` | cities that share their name with a common given name (Salem, Austin, Charlotte), accepted only with a place cue | GeoNames `cities15000.txt` |
| `places.tsv` | countries, country aliases, demonyms, capitals, cities with at least {minpop:,} inhabitants, towns (kind `town`, accepted by the rules only with a place cue) down to 15,000 (plus a short hand list of frequently reported cities and English exonyms), US states, Canadian provinces, Australian states, UK nations, other countries' provinces and states, world regions, rivers, mountain ranges, deserts and islands | GeoNames `countryInfo.txt`, `cities15000.txt`; the hand tables in `tools/build-data.py` |
| `organizations.tsv` | well-known organizations with acronyms and short forms | `tools/organizations.in.tsv` (hand-written) |
| `given-names.txt` | common given names | `tools/given-names.in.txt` (hand-written) |
| `iptc-topics.tsv` | the active (not retired) IPTC Media Topics: qcode, level, parent (`-` for top-level), English label | IPTC Media Topics, `mediatopics_2023-10-24_en.tsv` |
| `topic-lexicon.tsv` | news terms mapped to IPTC Media Topic qcodes with a weight | `tools/topic-lexicon.in.tsv` (hand-written), qcodes checked against the IPTC file |

The default name rules also read the words of `topic-lexicon.tsv` and of the
IPTC labels as a vocabulary of everyday English words (a capitalized run made
of them is not taken for a person's name); no other data source is used.

## Formats

- Gazetteers (`places.tsv`, `organizations.tsv`): UTF-8; lines starting with
  `#` are comments; columns `surface<TAB>canonical<TAB>type<TAB>kind`.
  `type` is `place` or `organization`.
  Place kinds: `country`, `demonym`, `city`, `state`, `province`, `nation`,
  `region`. Organization kinds: `government`, `company`, `international`,
  `party`, `media`, `sports`, `ngo`, `education`.
  A surface can appear with more than one canonical; these are listed in a
  comment at the top of each file so rules can disambiguate them by context.
  Lines are sorted by surface; for such a surface the preferred (default)
  reading comes first, so a loader that keeps the first entry per surface
  gets the usual news reading (e.g. "Washington" -> "Washington, D.C.").
- `iptc-topics.tsv`: `qcode<TAB>level<TAB>parent<TAB>label`.
- `topic-lexicon.tsv`: `term<TAB>qcode<TAB>weight`; terms are lower case,
  weights from 0.2 (weak hint) to 1.0 (strong signal).
- `given-names.txt`: one name per line.

## Licences and attribution

- **GeoNames** data (https://www.geonames.org/) is licensed under the
  Creative Commons Attribution 4.0 licence (CC BY 4.0,
  https://creativecommons.org/licenses/by/4.0/). Attribution:
  "GeoNames, https://www.geonames.org/". `places.tsv` contains country
  names, capitals, city names and alternate names selected from GeoNames,
  combined with the project's own hand tables (aliases, demonyms, states,
  provinces, regions, stop list). The selection and the changes are the
  project's (filtering by population, stop list, collision removal,
  canonical English names).
- **IPTC Media Topics** are published by the IPTC (International Press
  Telecommunications Council) under CC BY 4.0. Attribution:
  "IPTC Media Topics, IPTC, https://iptc.org/standards/media-topics/".
  `iptc-topics.tsv` is the English-label extract of the 2023-10-24 release
  with retired concepts and Wikidata mappings removed; the qcodes in
  `topic-lexicon.tsv` refer to it.
- The hand-written lists (`tools/organizations.in.tsv`,
  `tools/given-names.in.txt`, `tools/topic-lexicon.in.tsv` and the tables in
  `tools/build-data.py`) are the project's own work and are distributed
  under the project's licence. They record facts (names of organizations,
  countries, regions, common given names, news vocabulary) and were written
  for nutgraf; they are not copied from any other list.
"""


def main(argv):
    tools_dir = os.path.dirname(os.path.abspath(__file__))
    root = os.path.dirname(tools_dir)
    if len(argv) > 2:
        die("usage: build-data.py [SHARED_DATA_DIR]")
    shared = argv[1] if len(argv) == 2 else os.path.join(root, "..", "shared", "data")
    shared = os.path.normpath(shared)
    gdir = os.path.join(shared, "geonames")
    iptc = os.path.join(shared, "iptc-media-topics", "mediatopics_2023-10-24_en.tsv")
    for p in (os.path.join(gdir, "cities15000.txt"), os.path.join(gdir, "countryInfo.txt"), iptc):
        if not os.path.isfile(p):
            die("missing input %s" % p)
    out_dir = os.path.join(root, "lua", "data")
    os.makedirs(out_dir, exist_ok=True)

    given = build_given_names(os.path.join(tools_dir, "given-names.in.txt"))
    write_lines(os.path.join(out_dir, "given-names.txt"), [], given)

    places, amb_places, dropped, cued = build_places(gdir, set(given))
    write_lines(os.path.join(out_dir, "places.tsv"), [
        "nutgraf places gazetteer - generated by tools/build-data.py; do not edit.",
        "Source: GeoNames (CC BY 4.0, https://www.geonames.org/) + project hand tables.",
        "Columns: surface<TAB>canonical<TAB>type<TAB>kind",
        "Kinds: country demonym city town state province nation region",
        "Surfaces with more than one canonical (first line = default reading): "
        + (", ".join(amb_places) or "none"),
    ], ["\t".join(r) for r in places])

    write_lines(os.path.join(out_dir, "places-cued.tsv"), [
        "nutgraf places named like people - generated by tools/build-data.py; do not edit.",
        "Source: GeoNames (CC BY 4.0, https://www.geonames.org/).",
        "Cities whose name is a common given name (Salem, Austin, Charlotte): tagged",
        "only after a place cue, and never read by the name rules.",
        "Columns: surface<TAB>canonical<TAB>type<TAB>kind",
    ], ["\t".join(r) for r in cued])

    orgs, amb_orgs = build_orgs(os.path.join(tools_dir, "organizations.in.tsv"))
    write_lines(os.path.join(out_dir, "organizations.tsv"), [
        "nutgraf organizations gazetteer - generated by tools/build-data.py; do not edit.",
        "Source: tools/organizations.in.tsv (the project's own list).",
        "Columns: surface<TAB>canonical<TAB>type<TAB>kind",
        "Kinds: government company international party media sports ngo education",
        "Surfaces with more than one canonical: " + (", ".join(amb_orgs) or "none"),
    ], ["\t".join(r) for r in orgs])

    topics, topic_index = build_iptc(iptc)
    write_lines(os.path.join(out_dir, "iptc-topics.tsv"), [
        "IPTC Media Topics (active concepts), release 2023-10-24, English labels.",
        "IPTC Media Topics, IPTC, https://iptc.org/standards/media-topics/ - CC BY 4.0",
        "Generated by tools/build-data.py; do not edit.",
        "Columns: qcode<TAB>level<TAB>parent<TAB>label  (parent '-' = top level)",
    ], ["\t".join(r) for r in topics])

    lex, multi = build_lexicon(os.path.join(tools_dir, "topic-lexicon.in.tsv"), topic_index)
    write_lines(os.path.join(out_dir, "topic-lexicon.tsv"), [
        "nutgraf topic lexicon - generated by tools/build-data.py; do not edit.",
        "Source: tools/topic-lexicon.in.tsv (the project's own list); qcodes are",
        "IPTC Media Topics (https://iptc.org/standards/media-topics/, CC BY 4.0).",
        "Columns: term<TAB>qcode<TAB>weight  (weight 0.2..1.0)",
    ], ["\t".join(r) for r in lex])

    with open(os.path.join(out_dir, "LICENSE.md"), "w", encoding="utf-8", newline="\n") as f:
        f.write(LICENSE_MD.replace("{minpop:,}", "{:,}".format(CITY_MIN_POP)))

    # report
    cross = sorted({r[0] for r in places} & {r[0] for r in orgs})
    sys.stderr.write(
        "build-data.py: places %d, organizations %d, given names %d, "
        "IPTC topics %d, lexicon %d\n"
        % (len(places), len(orgs), len(given), len(topics), len(lex)))
    for why in sorted(dropped):
        sys.stderr.write("  city surfaces dropped (%s): %d\n" % (why, len(dropped[why])))
    if amb_orgs:
        sys.stderr.write("  ambiguous organization surfaces: %s\n" % ", ".join(amb_orgs))
    if cross:
        sys.stderr.write("  surfaces in both places and organizations: %s\n" % ", ".join(cross))
    if multi:
        sys.stderr.write("  lexicon terms with several qcodes: %s\n" % ", ".join(multi))


if __name__ == "__main__":
    main(sys.argv)
