package seed

// The word lists below are read-only tables. They are package-level
// values because they never change after init; nothing writes to them.

// firstNames mixes the Christian, Kikuyu, Luo, Kalenjin, Luhya, Kamba,
// Kisii, Meru and coastal given names common in Kenya. Earlier entries are
// picked more often (see pickSkewed), so searches for the first few hit
// many customers and the last few are rare.
var firstNames = []string{
	"Grace", "Mary", "John", "Peter", "James", "Faith", "Mercy", "Joseph",
	"Wanjiru", "Achieng", "Brian", "Kevin", "Esther", "David", "Njeri", "Daniel",
	"Wambui", "Samuel", "Ann", "Jane", "Otieno", "Dennis", "Caroline", "Kiprop",
	"Chebet", "Stephen", "Lucy", "Moses", "Elizabeth", "Collins", "Akinyi", "Wanjiku",
	"Paul", "Catherine", "George", "Nancy", "Michael", "Joyce", "Francis", "Purity",
	"Emmanuel", "Sharon", "Patrick", "Ruth", "Charles", "Eunice", "Victor", "Susan",
	"Kamau", "Mwangi", "Njoroge", "Kariuki", "Wairimu", "Nyambura", "Muthoni", "Wangari",
	"Atieno", "Adhiambo", "Awino", "Anyango", "Ochieng", "Onyango", "Omondi", "Odhiambo",
	"Kipchoge", "Kiptoo", "Jepkosgei", "Chepkoech", "Jeptoo", "Kibet", "Cheruiyot", "Kiplagat",
	"Wafula", "Nafula", "Nekesa", "Wekesa", "Barasa", "Nanjala", "Simiyu", "Makokha",
	"Mutua", "Mwende", "Ndinda", "Kioko", "Mumbua", "Musyoka", "Nduku", "Kalondu",
	"Moraa", "Kerubo", "Nyaboke", "Bosibori", "Ogeto", "Momanyi", "Nyamweya", "Onchari",
	"Kendi", "Gatwiri", "Mugambi", "Kinya", "Makena", "Nkatha", "Mwiti", "Karimi",
	"Zawadi", "Amani", "Baraka", "Neema", "Imani", "Rehema", "Halima", "Fatuma",
	"Mohamed", "Ali", "Hassan", "Amina", "Abdi", "Yusuf", "Zainab", "Salim",
	"Brenda", "Cynthia", "Diana", "Gladys", "Irene", "Josephine", "Lilian", "Margaret",
	"Naomi", "Priscilla", "Rose", "Sylvia", "Teresia", "Veronica", "Winnie", "Beatrice",
	"Anthony", "Benjamin", "Edwin", "Felix", "Geoffrey", "Isaac", "Kennedy", "Lawrence",
	"Martin", "Nicholas", "Oscar", "Philip", "Robert", "Simon", "Timothy", "Vincent",
	"Wilfred", "Allan", "Bernard", "Cornelius", "Derrick", "Elijah", "Evans", "Gideon",
	"Hillary", "Ian", "Job", "Kelvin", "Leonard", "Mark", "Nelson", "Erick",
	"Lorna", "Maureen", "Pauline", "Rachael", "Stella", "Tabitha", "Vivian", "Wendy",
	"Agnes", "Betty", "Christine", "Dorcas", "Edith", "Florence", "Hellen", "Janet",
	"Kemunto", "Nyokabi", "Wacera", "Waithera", "Wangui", "Wanjugu", "Kagendo", "Kawira",
	"Jelimo", "Jerop", "Chelimo", "Jemutai", "Koech", "Rotich", "Langat", "Kirui",
	"Auma", "Apiyo", "Akoth", "Aoko", "Owino", "Okoth", "Ouma", "Oduor",
	"Mbithe", "Nthenya", "Syokau", "Wavinya", "Mutinda", "Muli", "Kyalo", "Nzioka",
}

// lastNames are common Kenyan surnames, most common first.
var lastNames = []string{
	"Otieno", "Mwangi", "Kamau", "Ochieng", "Wanjiru", "Njoroge", "Odhiambo", "Onyango",
	"Kiprop", "Chebet", "Wambui", "Omondi", "Kariuki", "Mutua", "Njeri", "Achieng",
	"Kipchumba", "Wafula", "Kibet", "Cheruiyot", "Macharia", "Githinji", "Karanja", "Maina",
	"Gitau", "Kimani", "Nyambura", "Mburu", "Ngugi", "Waweru", "Kinyua", "Muriuki",
	"Ouma", "Okoth", "Owino", "Oduor", "Okello", "Opiyo", "Awuor", "Juma",
	"Korir", "Kipkemboi", "Rotich", "Langat", "Kirui", "Koech", "Tanui", "Biwott",
	"Wekesa", "Barasa", "Simiyu", "Wanyama", "Makokha", "Nyongesa", "Wanjala", "Khisa",
	"Musyoka", "Kioko", "Mutiso", "Kilonzo", "Mwendwa", "Nzomo", "Muthama", "Mbithi",
	"Nyamweya", "Ogeto", "Momanyi", "Onchari", "Nyakundi", "Mogaka", "Ondieki", "Omwenga",
	"Mugambi", "Mwiti", "Kirimi", "Gitonga", "Murithi", "Kaberia", "Mutwiri", "Kinoti",
	"Hassan", "Mohamed", "Ali", "Abdi", "Omar", "Salim", "Bakari", "Mwinyi",
	"Ng'ang'a", "Wairimu", "Muthoni", "Wangari", "Njuguna", "Kahiga", "Ndungu", "Gachanja",
	"Kiplagat", "Jepkemoi", "Sang", "Chepkwony", "Too", "Kosgei", "Keter", "Kemboi",
	"Oloo", "Ogola", "Aketch", "Adongo", "Obiero", "Omollo", "Nyaga", "Njagi",
	"Kamande", "Kamotho", "Wachira", "Gathoni", "Kuria", "Mwaura", "Ndegwa", "Thuo",
	"Mutuku", "Nzioki", "Kyalo", "Munyao", "Wambua", "Kasyoka", "Mulwa", "Ndambuki",
	"Nafula", "Nekesa", "Masinde", "Wamalwa", "Sifuna", "Lusweti", "Were", "Namwamba",
	"Kerubo", "Moraa", "Nyaboke", "Bosire", "Mokaya", "Ombati", "Matara", "Nyang'au",
	"Lekishon", "Ole Sankale", "Parsimei", "Lemaiyan", "Saitoti", "Ntimama", "Kores", "Lenku",
	"Mwakio", "Mwamburi", "Mwachofi", "Kazungu", "Charo", "Baya", "Karisa", "Katana",
}

// emailDomains are picked with the weights in emailDomainWeights.
var emailDomains = []string{"gmail.com", "yahoo.com", "outlook.com", "hotmail.com", "icloud.com", "ymail.com", "students.uonbi.ac.ke", "proton.me"}

var emailDomainWeights = []int{56, 16, 9, 8, 4, 3, 2, 2}

// city is a town with its county, postal codes and streets.
type city struct {
	name, county string
	zips         []string
	streets      []string
	weight       int
	shipping     int64 // flat shipping fee in cents
}

var cities = []city{
	{"Nairobi", "Nairobi", []string{"00100", "00200", "00600", "00800", "00502", "00505", "00610"}, []string{
		"Moi Avenue", "Kenyatta Avenue", "Waiyaki Way", "Ngong Road", "Westlands Road", "Kimathi Street",
		"Muindi Mbingu Street", "Argwings Kodhek Road", "Lenana Road", "Mombasa Road", "Thika Road",
		"Langata Road", "Riverside Drive", "Limuru Road", "Kiambu Road", "Jogoo Road", "Ralph Bunche Road",
		"Mpaka Road", "Woodvale Grove", "Kindaruma Road", "Magadi Road", "Outer Ring Road",
	}, 52, 25000},
	{"Mombasa", "Mombasa", []string{"80100", "80102", "80115"}, []string{
		"Nyerere Avenue", "Digo Road", "Links Road", "Moi Avenue", "Haile Selassie Road", "Mama Ngina Drive",
		"Abdel Nasser Road", "Malindi Road",
	}, 14, 45000},
	{"Kisumu", "Kisumu", []string{"40100", "40123"}, []string{
		"Oginga Odinga Street", "Jomo Kenyatta Highway", "Ang'awa Avenue", "Achieng Oneko Road", "Otieno Oyoo Street",
	}, 10, 45000},
	{"Nakuru", "Nakuru", []string{"20100", "20115"}, []string{
		"Kenyatta Avenue", "Oginga Odinga Avenue", "Moi Road", "Kanu Street", "Government Avenue",
	}, 9, 40000},
	{"Eldoret", "Uasin Gishu", []string{"30100"}, []string{
		"Uganda Road", "Oloo Street", "Kenyatta Street", "Nandi Road", "Elgeyo Road",
	}, 7, 45000},
	{"Thika", "Kiambu", []string{"01000"}, []string{"Kwame Nkrumah Road", "Commercial Street", "Garissa Road"}, 4, 30000},
	{"Nyeri", "Nyeri", []string{"10100"}, []string{"Kimathi Way", "Gakere Road", "Temple Road"}, 2, 40000},
	{"Malindi", "Kilifi", []string{"80200"}, []string{"Lamu Road", "Harambee Road"}, 2, 50000},
}

var address2s = []string{"", "", "", "", "Apt 4B", "House No. 12", "P.O. Box 4521", "2nd Floor, Suite 7", "Block C, Flat 3", "Gate 2", "Opposite the Total petrol station"}

var buildings = []string{"Sarit Centre", "Yaya Centre", "The Mall", "Prestige Plaza", "Kenya Re Towers", "Bazaar Plaza", "Nyali Centre", "Mega Plaza", "Westgate", "Garden City"}

// product is one catalogue item; price is in cents of KES.
type product struct {
	sku, name string
	price     int64
}

var products = []product{
	{"KE-COF-001", "Kenyan AA coffee beans 500g", 120000},
	{"KE-COF-002", "Kenyan Peaberry coffee 250g", 85000},
	{"KE-TEA-001", "Kericho Gold tea, 100 bags", 45000},
	{"KE-TEA-002", "Purple tea loose leaf 200g", 95000},
	{"KE-TEX-001", "Kikoy beach wrap", 150000},
	{"KE-TEX-002", "Maasai shuka blanket", 180000},
	{"KE-TEX-003", "Kitenge dress", 350000},
	{"KE-TEX-004", "Kanga set (pair)", 90000},
	{"KE-CRA-001", "Sisal kiondo basket", 220000},
	{"KE-CRA-002", "Soapstone chess set", 480000},
	{"KE-CRA-003", "Beaded Maasai necklace", 75000},
	{"KE-CRA-004", "Carved olive wood salad servers", 130000},
	{"KE-SHO-001", "Akala leather sandals", 160000},
	{"KE-SHO-002", "Tyre-sole safari sandals", 110000},
	{"KE-FOO-001", "Macadamia nuts 1kg", 210000},
	{"KE-FOO-002", "Cashew nuts 500g", 140000},
	{"KE-FOO-003", "Wild honey 1kg", 120000},
	{"KE-FOO-004", "Mango chutney 400g", 55000},
	{"KE-ELE-001", "Solar lantern with phone charger", 320000},
	{"KE-ELE-002", "Smartphone case", 80000},
	{"KE-ELE-003", "Power bank 20000mAh", 350000},
	{"KE-ELE-004", "Bluetooth speaker", 550000},
	{"KE-ELE-005", "Wireless earbuds", 450000},
	{"KE-HOM-001", "Jiko charcoal stove", 250000},
	{"KE-HOM-002", "Sufuria set (3 pots)", 280000},
	{"KE-HOM-003", "Mosquito net, king size", 150000},
	{"KE-HOM-004", "Water filter 20L", 650000},
	{"KE-BEA-001", "Shea butter body cream", 60000},
	{"KE-BEA-002", "Aloe vera soap (3-pack)", 45000},
	{"KE-BEA-003", "Coconut hair oil", 50000},
	{"KE-SPO-001", "Running shoes", 850000},
	{"KE-SPO-002", "Harambee Stars replica jersey", 250000},
	{"KE-BOO-001", "Swahili phrasebook", 95000},
	{"KE-BOO-002", "Kenyan cookbook", 180000},
	{"KE-KID-001", "Wooden matatu toy", 70000},
	{"KE-KID-002", "School backpack", 200000},
	{"KE-GFT-001", "Gift card KES 2,000", 200000},
	{"KE-GFT-002", "Gift card KES 5,000", 500000},
}

var noteBodies = []string{
	"Called about a late delivery; courier confirmed it is out for delivery.",
	"Customer asked to update the delivery address for future orders.",
	"Refund processed after the item arrived damaged. Apologised.",
	"Prefers M-Pesa for payment; reminded about the loyalty programme.",
	"Asked about bulk pricing for an office order. Sent the B2B contact.",
	"Complained about a missing item; replacement dispatched.",
	"Verified identity over the phone before changing the email address.",
	"Wants SMS updates instead of email.",
}

var adjustNotes = map[string][]string{
	"goodwill":       {"Goodwill points for the delayed delivery.", "Thank-you points after a long support call."},
	"correction":     {"Corrected points that were earned twice.", "Removed points for a cancelled order."},
	"missing_earn":   {"Points missing from an order paid by M-Pesa.", "Order points not credited at checkout."},
	"order_issue":    {"Compensation for a damaged item.", "Compensation for a wrong size delivered."},
	"fraud_reversal": {"Reversed points earned on a chargeback."},
	"other":          {"Promotional bonus for a survey response."},
}
