"""Content of the provtrack demo web: every article, written for the demo (fictional but realistic).

A body is a list of blocks: a plain string is a paragraph; ("fig", image, alt, caption) is a figure;
("source", text) is the credit/source line that closes the article body; ("note", text) an italic note.
Derived copies are built from their sources' paragraph lists so that the reused text is exact.
"""

# --------------------------------------------------------------------------------------------------
# Story 1: Sputnik original -> EurAsia Herald (credited, +3 h) -> Baltic Ledger (credits EH only, +5 h)
# --------------------------------------------------------------------------------------------------
S1_BODY = [
    "MINSK (Sputnik) - Belarus has put Russian-made S-400 air defense systems and Iskander missile "
    "complexes on combat duty, Belarusian President Alexander Lukashenko said on Monday during a meeting "
    "with Russian President Vladimir Putin.",
    "\u201cToday the S-400 systems are deployed and, what matters most, so is the Iskander complex that you "
    "handed over to us, just as you promised half a year ago,\u201d Lukashenko told reporters before the talks.",
    "The Belarusian leader thanked Putin for what he described as mutual understanding and support on every "
    "issue on the bilateral agenda. He added that Belarusian crews were also being trained, with Russian "
    "assistance, to fly aircraft capable of carrying nuclear munitions.",
    "\u201cThis is not a threat to anyone. We need to secure the Belarusian state, and you have taken a very "
    "important step in supporting Belarus,\u201d Lukashenko said, addressing his Russian counterpart.",
    "In October, the Belarusian Defense Ministry announced that the country would soon receive 9K720 "
    "Iskander tactical missile systems and S-400 Triumf air defense systems from Russia.",
    "\u201cDefense Minister Viktor Khrenin has announced the upcoming delivery of new equipment, including "
    "Iskander tactical missile systems and S-400 air defense systems. A demonstration of unmanned combat "
    "systems will be held later this month,\u201d the ministry said on Telegram.",
    "In June, Putin said after talks with Lukashenko that Moscow was ready to upgrade the Belarusian fleet "
    "of Su-25 ground attack aircraft so that they could carry various types of weapons, and that it would "
    "supply Minsk with nuclear-capable Iskander-M ballistic missile systems within several months.",
    "A senior US Defense Department official responded at the time that Washington took the statements "
    "seriously, and criticized the Russian leadership for discussing the deployment of nuclear-capable "
    "missiles in Belarus. Warsaw later asked for US nuclear weapons to be stationed in Poland, although the "
    "White House said it had not received any such request.",
    "Earlier this month, Lukashenko hosted Russian Defense Minister Andrei Belousov, who came to Minsk for "
    "talks with Khrenin on bilateral military cooperation. The two ministers signed a protocol amending a "
    "1997 agreement on jointly ensuring regional security.",
    "\u201cIn short, Belarusians will do everything they are obliged to do under the open and genuine "
    "agreement with Russia. Have no doubt about that,\u201d Lukashenko was quoted as saying by Belarusian "
    "state-run news agency BelTA.",
    "Lukashenko also praised the cooperation between Russian and Belarusian servicemen, saying the troops "
    "of the joint regional grouping were training \u201cas one army\u201d during combat readiness drills.",
    "\u201cI believe the Belarusian defense minister has already briefed you on how our troops and the "
    "Russian troops stationed in Belarus are training together. We took this very seriously. Our officers "
    "and your officers are training the soldiers side by side,\u201d Lukashenko said, adding that the allied "
    "forces would be able to repel any aggression.",
    "The Belarusian president stressed that everything was proceeding in line with his agreements with Putin.",
]

EH_INTRO = (
    "Belarus has joined China, India and T\u00fcrkiye as the fourth foreign operator of Russia\u2019s S-400 "
    "Triumf, a long-range air defense system that Moscow markets as the best in the world, and it has also "
    "taken delivery of the nuclear-capable Iskander missile complex."
)
EH_REWORDED_P3 = (
    "The Belarusian leader thanked Putin for what he described as mutual understanding and support on every "
    "issue on the bilateral agenda. Lukashenko also said that, with Moscow\u2019s help, Minsk is readying its "
    "pilots for warplanes that can deliver a nuclear payload."
)
E1_CORE = (
    [EH_INTRO, S1_BODY[0].replace("MINSK (Sputnik) - ", ""), S1_BODY[1], EH_REWORDED_P3]
    + S1_BODY[3:6]
    + [("fig", "s400-file.svg", "s-400 Missile", "File Image: S-400 Missile")]
    + S1_BODY[6:]
)
E1_BODY = E1_CORE + [("source", "Via: Sputnik News Agency")]
L1_BODY = E1_CORE + [("source", "Source: EurAsia Herald")]
EH_S400_HEADLINE = (
    "Belarus Becomes 4th Nation To Field Russia\u2019s \u2018World\u2019s Best\u2019 S-400 Air Defense "
    "System \u2014 Lukashenko"
)

# --------------------------------------------------------------------------------------------------
# Story 2: TASS original -> Morning Courier uncredited copy (rewritten lede, rest verbatim)
# --------------------------------------------------------------------------------------------------
T1_BODY = [
    "MOSCOW, November 17. /TASS/. Cargo traffic along the Northern Sea Route has reached 41.2 million "
    "tonnes since the beginning of the year, surpassing the previous annual record with more than six weeks "
    "of the navigation season still to go, the Northern Sea Route Directorate of Rosatom said on Tuesday.",
    "\u201cWe passed the historical maximum on November 14, and by the end of December the total is expected "
    "to exceed 43 million tonnes,\u201d the directorate\u2019s head, Alexei Voronin, told reporters.",
    "According to the directorate, transit voyages between Europe and Asia accounted for 4.6 million tonnes, "
    "up 38% year-on-year, with 97 transit voyages completed by ships under Russian and foreign flags. "
    "Liquefied natural gas from the Yamal and Gydan peninsulas made up more than half of the total volume.",
    (
        "fig",
        "icebreaker-yakutia.svg",
        "Icebreaker Yakutia escorting a convoy",
        "The nuclear-powered icebreaker Yakutia escorts a convoy in the Kara Sea. \u00a9 Ilya Smirnov/TASS",
    ),
    "The record was made possible by a larger nuclear icebreaker fleet. The Yakutia, the fourth serial "
    "icebreaker of Project 22220, began escorting convoys in the eastern sector of the route in July, which "
    "made it possible to extend the navigation period on the section between Sabetta and Cape Dezhnev.",
    "\u201cFive years ago, ships waited for an escort for up to nine days in the East Siberian Sea. This "
    "season the average wait was under two days,\u201d Voronin said.",
    "The directorate said it had issued 1,214 permits for navigation in the waters of the Northern Sea "
    "Route this year, compared with 1,085 in 2025. Ice conditions in the Kara Sea were lighter than the "
    "long-term average, while the Laptev Sea saw an early freeze-up at the end of October.",
    "The federal plan for the development of the route envisages cargo traffic of 70 million tonnes by "
    "2030. To meet the target, Rosatom intends to commission the icebreaker Chukotka in 2027 and the first "
    "Leader-class icebreaker, the Rossiya, by the end of the decade.",
    "The Northern Sea Route runs along Russia\u2019s Arctic coast from the Kara Gates to the Bering Strait. "
    "It is about 5,600 kilometers long and is the shortest sea route between the European part of Russia "
    "and the Far East.",
]
M1_BODY = (
    [
        "A shipping lane across the top of Russia has carried more freight this year than ever before, "
        "officials said Tuesday, as thinner sea ice and a growing fleet of nuclear-powered icebreakers "
        "stretch the Arctic shipping season further into the winter.",
    ]
    + [b for b in T1_BODY[1:8] if isinstance(b, str)]
    + [
        "Shipping analysts note that the Arctic passage remains a niche alternative to the Suez Canal, used "
        "mostly for Russian energy cargoes, and that insurers still charge steep premiums for the voyage.",
    ]
)

# --------------------------------------------------------------------------------------------------
# Story 3: the same local event covered independently by River City News and Morning Courier
# Shared facts only: names, numbers and one short quote of the mayor.
# --------------------------------------------------------------------------------------------------
BRIDGE_QUOTE = "Today the east side and downtown are one city again"  # shared by M2 and R1
M2_BODY = [
    "RIVERTON \u2014 The Harbor Street Bridge reopened to traffic Wednesday morning, ending a 14-month "
    "closure that forced east side commuters onto a detour of up to 25 minutes each way.",
    "Mayor Elena Marsh cut the ribbon at 10 a.m. in front of a crowd of about 300 people, many of whom had "
    "walked over from the Eastgate neighborhood. \u201cToday the east side and downtown are one city "
    "again,\u201d Marsh said, before a line of school buses made the first crossing.",
    "The rebuilt span cost $38.6 million, about $1.2 million less than the city budgeted when the council "
    "approved the project in 2024. Federal bridge funds covered roughly 60 percent of the bill.",
    "Contractor Halvorsen Construction replaced the deck, the steel stringers and two of the three piers of "
    "the 1931 bridge, which had been rated structurally deficient in three consecutive state inspections. "
    "Crews finished two days ahead of schedule.",
    "City traffic engineer Raj Patel said the bridge carried about 22,000 vehicles a day before it closed "
    "and that he expects that number to return within weeks. The new deck adds a protected bike lane on "
    "the south side and widens the sidewalk to ten feet.",
    "Not everyone was celebrating. Owners of several businesses on Canal Avenue, which handled much of the "
    "detoured traffic, said they would miss the extra customers. \u201cFor a year we had cars backed up past "
    "the door. Half of them stopped for coffee,\u201d said Tom Reyes, who runs the Canal Avenue Diner.",
    "The city will keep a reduced speed limit of 25 mph on the bridge until lane striping is completed next "
    "week, Patel said.",
]
R1_BODY = [
    "For the first time since September of last year, drivers from Eastgate could reach downtown Riverton "
    "on Wednesday without circling through the Canal Avenue detour.",
    "The Harbor Street Bridge, shut for 14 months while crews rebuilt it almost from the water up, was "
    "opened at a 10 a.m. ceremony led by Mayor Elena Marsh. Neighbors, city workers and a brass band from "
    "Eastgate Middle School packed both ends of the span.",
    "\u201cToday the east side and downtown are one city again,\u201d the mayor told the crowd, which "
    "answered with a long round of applause and car horns from the far bank.",
    "The total bill came to $38.6 million. City officials said that is below the original estimate, and "
    "most of the money came from a federal program for aging bridges.",
    "Halvorsen Construction, the Minneapolis firm that won the contract, kept only one of the three "
    "original piers of the 1931 structure. The company wrapped up the job two days earlier than its "
    "contract required, according to Public Works Director Linda Osei.",
    "Before the closure, about 22,000 vehicles crossed the bridge on an average weekday. Osei said the "
    "rebuilt crossing was designed for heavier trucks and should last at least 75 years with routine "
    "maintenance.",
    "Eastgate resident Marcus Bell, 71, was among the first pedestrians to cross. He said he had walked "
    "over the old bridge every morning for four decades. \u201cI missed the view more than the shortcut,\u201d "
    "he said, stopping to look down at the river.",
    "Cyclists also get something new: a barrier-protected lane along the south edge. The city plans a "
    "community walk across the bridge on Saturday at noon.",
]

# --------------------------------------------------------------------------------------------------
# Story 4: BelTA original; River City News cites BelTA once in an otherwise original story
# --------------------------------------------------------------------------------------------------
B1_BODY = [
    "MINSK, 18 November /BelTA/ - Belarus expects to export about 13.5 million tonnes of potash fertilizers "
    "in 2027, some 12% more than this year, thanks to new logistics routes through Russian ports, Minister "
    "of Industry Andrei Kuzmich said at a government meeting on Wednesday.",
    "According to the minister, shipments via the port of Ust-Luga have been running at full capacity since "
    "the third quarter, and a dedicated terminal for Belarusian cargo near St. Petersburg will handle its "
    "first vessel in March.",
    "\u201cWe have completely rebuilt the logistics chain over the past four years. Today our fertilizer "
    "reaches customers in Asia, Africa and Latin America on schedule, and the cost of delivery has fallen "
    "by almost a quarter,\u201d Andrei Kuzmich said.",
    "The largest buyers of Belarusian potash remain China, India and Brazil. Exports to African countries "
    "more than doubled in January-October, the minister noted, adding that new contracts had been signed "
    "with distributors in Kenya, Zimbabwe and Nigeria.",
    "Belaruskali plans to bring the Petrikov mining and processing plant to its design capacity of 1.5 "
    "million tonnes of potassium chloride a year by the end of 2027. Investment in the project has "
    "exceeded $2 billion.",
    "The head of government instructed the ministry to work out measures to keep prices competitive and to "
    "expand the range of complex fertilizers produced in the country.",
    "Potash fertilizers are one of the main items of Belarusian exports. In 2025 the industry accounted for "
    "about 7% of the country\u2019s total export revenue.",
]
R2_BODY = [
    "Farmers across Harlan County are sitting down with their seed dealers this month to plan next year\u2019s "
    "crops, and many say the hardest number to pin down is what they will pay for fertilizer.",
    "Potash, the potassium fertilizer that corn and soybean growers spread every few years, sold for about "
    "$410 a ton at local co-ops this fall, up from $365 a year ago, according to the county extension office.",
    "\u201cWe\u2019re not in 2022 territory, but every twenty or thirty dollars matters when your margins are "
    "this thin,\u201d said Jenna Kowalski, who farms 1,100 acres of corn and soybeans north of Riverton with "
    "her brother.",
    "Extension agronomist Paul Lindqvist said most of the potash used in the county is mined in Canada, but "
    "that world prices move with supply from other large producers. Belarus, one of the biggest, is counting "
    "on roughly 12% higher potash exports next year, the country\u2019s industry minister told BelTA.",
    "Lindqvist advised growers to have their soil tested before they buy. \u201cA lot of fields around here "
    "have enough potassium for another season. If the test says you can skip a year, skip it,\u201d he said.",
    "The Riverton Farmers Co-op will hold a free soil-fertility workshop at the county fairgrounds on "
    "December 3. Members who bring samples to the co-op office before November 25 will get results in time "
    "for the meeting.",
]

# --------------------------------------------------------------------------------------------------
# Story 5: TASS original; River City News takes about half of it, "With reporting by TASS."
# --------------------------------------------------------------------------------------------------
T2_BODY = [
    "ST. PETERSBURG, November 19. /TASS/. Kontinental Hockey League (KHL) club SKA St. Petersburg has "
    "signed a one-year contract with American forward Tyler Brandt, the club\u2019s press service said on "
    "Thursday.",
    "The 27-year-old forward spent the previous three seasons with Swedish club Frolunda, scoring 58 goals "
    "and 71 assists in 156 regular-season games. Last season he led the Swedish Hockey League in power-play "
    "goals with 17.",
    "\u201cTyler is a fast, hard-working forward who is not afraid to go to the net. We have followed him for "
    "two years, and we believe he will strengthen our second line right away,\u201d SKA general manager "
    "Roman Lisitsyn said.",
    "According to the club, Brandt will wear number 19. He is expected to join the team on November 22 and "
    "could make his debut in the home game against Dynamo Moscow on November 26.",
    "Brandt was selected by the Minnesota Wild in the fifth round of the 2017 NHL Draft but played only 11 "
    "NHL games, spending most of his North American career in the American Hockey League with the Iowa "
    "Wild.",
    "SKA currently sit third in the Western Conference with 31 points from 24 games. The team has struggled "
    "on the power play this season, converting just 14.2% of its opportunities.",
    "Brandt becomes the fourth foreign player on the SKA roster. Under league rules, Russian clubs may "
    "register no more than five foreign players for the season.",
]
R3_BODY = [
    "Riverton native Tyler Brandt, the former Central High captain who spent the last three winters playing "
    "in Sweden, is taking his game to Russia.",
    T2_BODY[0].replace("ST. PETERSBURG, November 19. /TASS/. ", ""),
    T2_BODY[1],
    T2_BODY[2],
    T2_BODY[3],
    "Reached at his parents\u2019 home on Alder Street, where he has been training since his Swedish contract "
    "ran out in June, Brandt said the decision came down to ice time and the chance to play for a contender.",
    "\u201cIt\u2019s a long way from Riverton, but it\u2019s the best league I can play in right now, and they "
    "want me on the power play,\u201d he said. \u201cMy agent called on a Sunday night and I said yes before "
    "he finished the sentence.\u201d",
    "His coach at Central High, Mike Dunleavy, remembers a sophomore who stayed after practice shooting "
    "pucks until the rink manager turned off the lights. \u201cHe was never the biggest kid out there. He "
    "just outworked everybody,\u201d Dunleavy said.",
    "Brandt\u2019s mother, Karen, said the family plans to fly to St. Petersburg in January. Friends are "
    "organizing a watch party for his first game at Rinkside Grill on Water Street, even though the puck "
    "drops at 10:30 a.m. Riverton time.",
    T2_BODY[4],
    ("note", "With reporting by TASS."),
]

# --------------------------------------------------------------------------------------------------
# Agency story with a photo-only AFP credit (AFP must not be origin)
# --------------------------------------------------------------------------------------------------
T3_BODY = [
    "ANTALYA, November 20. /TASS/. Negotiations at the UN Climate Change Conference (COP31) in the Turkish "
    "resort city of Antalya are set to run past their scheduled Friday close, as delegations remain divided "
    "over the wording on a transition away from fossil fuels, the head of the Russian delegation, Igor "
    "Kovalenko, told reporters.",
    "\u201cThe gap between the positions is still significant. Several oil and gas producing countries, "
    "including Russia, cannot accept language that singles out one source of energy. We will work through "
    "the night if necessary,\u201d Kovalenko said.",
    (
        "fig",
        "cop31-plenary.svg",
        "Delegates in the COP31 plenary hall",
        "Delegates at a plenary session of COP31 in Antalya. (Photo: AFP)",
    ),
    "The draft decision circulated by the Turkish presidency on Thursday evening contains three options for "
    "the key paragraph, ranging from a call to \u201caccelerate the phase-down of unabated fossil fuels\u201d to "
    "a general reference to \u201call available low-emission technologies.\u201d",
    "According to Kovalenko, the Russian side supports the finance section of the draft, which envisions "
    "raising climate funding for developing countries to $300 billion a year by 2035, but insists that the "
    "contributions of new donors should remain voluntary.",
    "Russia also proposed recognizing the role of forests in absorbing greenhouse gases more fully in "
    "national reporting. Kovalenko said Russian forests absorb about 600 million tonnes of CO2 equivalent a "
    "year, a figure he said was underestimated by current methodology.",
    "More than 40,000 participants from 196 countries registered for the conference, which opened on "
    "November 9. Australia will host the talks next year under an agreement with Pacific island states.",
]

# --------------------------------------------------------------------------------------------------
# Plain original stories
# --------------------------------------------------------------------------------------------------
S2_BODY = [
    "MOSCOW (Sputnik) - The Moscow Metro will open 12 new stations by the end of 2028, including the final "
    "section of the Rublyovo-Arkhangelskaya line, the head of the city\u2019s construction department, Pavel "
    "Zorin, said on Wednesday.",
    "\u201cTunneling on the Rublyovo-Arkhangelskaya line is now complete. Next year we will start laying "
    "track and installing escalators at six stations at once,\u201d Zorin told a briefing at the city "
    "government.",
    "According to him, four stations of the line will open in the second half of 2027, and the remaining "
    "two in 2028. Another six stations will be built on extensions of existing radial lines in the south "
    "and east of the capital, where new residential districts have grown up over the past decade.",
    "Zorin said the city would spend about 280 billion rubles on metro construction over the next three "
    "years. More than 60% of the tunnel boring machines and rolling stock used on the projects are now "
    "produced in Russia, he added.",
    "The Moscow Metro currently has 302 stations and carries about 9 million passengers on an average "
    "working day. The Big Circle Line, completed in 2023, became the longest underground circle line in the "
    "world.",
    "City officials expect that after the new sections open, about 96% of Moscow residents will live within "
    "walking distance of a rail station.",
]
B2_BODY = [
    "MINSK, 19 November /BelTA/ - Belarusian Railways will launch a new regional business-class express "
    "between Minsk and Brest on 1 December, cutting the travel time between the two cities to 2 hours 50 "
    "minutes, the press service of the company told BelTA.",
    "The train will consist of new Belarusian-assembled Stadler FLIRT units and will run twice a day in "
    "each direction, with stops only in Baranovichi and Ivatsevichi.",
    "\u201cWe see steady growth in demand on this route, especially on Fridays and Sundays. A faster express "
    "will allow passengers to make a day trip to Brest and back comfortably,\u201d Deputy Head of Belarusian "
    "Railways Sergei Novik said.",
    "Tickets will go on sale on 21 November at stations, through the mobile application and on the company\u2019s "
    "website. A one-way ticket will cost 38 rubles; schoolchildren and students will get a 20% discount.",
    "Passengers will have access to Wi-Fi, power sockets at every seat and a small buffet car. The carriages "
    "are adapted for people with disabilities.",
    "In January-October, Belarusian Railways carried more than 52 million passengers on regional and "
    "intercity routes, up 4% year-on-year. The Minsk-Brest line is one of the busiest in the country.",
]
E2_BODY = [
    "Freight moving along the Trans-Caspian International Transport Route between Central Asia and the "
    "South Caucasus has roughly doubled in two years, and New Delhi now wants a bigger share of it, Indian "
    "and Kazakh officials said at a logistics forum in Aktau this week.",
    "India\u2019s Joint Secretary for Eurasia, Ritu Varma, told the forum that Indian exporters shipped about "
    "38,000 containers through Kazakh and Azerbaijani ports in the first ten months of the year, three times "
    "the volume recorded in 2024.",
    "\u201cThe corridor is no longer an experiment. Pharmaceutical and engineering exporters from Gujarat and "
    "Maharashtra are asking us for regular, scheduled services,\u201d Varma said.",
    "Kazakhstan\u2019s deputy transport minister, Askar Nurlanov, said the port of Aktau will add a second "
    "container terminal by 2028, raising capacity to 500,000 TEU a year. The Kazakh side has also offered "
    "Indian logistics companies a long-term lease on warehouse space in the port\u2019s free economic zone.",
    "Analysts caution that the route still depends on ferry capacity across the Caspian Sea, where "
    "shipments can wait up to a week in stormy months. A single delay at the Azerbaijani port of Alat can "
    "ripple across the entire chain.",
    "Even so, the numbers are moving in one direction. For Indian traders looking for alternatives to the "
    "Red Sea and to routes that cross sanctioned territory, the Caspian link is becoming hard to ignore.",
]
E3_BODY = [
    "The port of Chennai has completed its first trial of green ammonia bunkering, refuelling a 180,000-tonne "
    "bulk carrier with fuel produced from renewable hydrogen in Tamil Nadu, port authorities said on "
    "Wednesday.",
    "The operation, carried out at the port\u2019s outer anchorage, transferred 1,100 tonnes of ammonia from a "
    "specialised bunker vessel over nine hours. Port chairman S. Raghunathan said no leaks or safety "
    "incidents were recorded.",
    "\u201cWe wanted to show that an Indian port can do this at scale and safely. Shipowners need to know "
    "that the fuel will be available when their new engines arrive,\u201d Raghunathan said.",
    "The ammonia came from a plant near Thoothukudi that uses solar and wind power to split water into "
    "hydrogen. The producer plans to supply 250,000 tonnes a year to shipping customers by 2029.",
    "Ammonia contains no carbon, but it is toxic and burns poorly, and only a few dozen ammonia-capable ships "
    "are on order worldwide. Industry analysts expect wider adoption only after the International Maritime "
    "Organization finalises its global fuel standard.",
]
L2_BODY = [
    "Container throughput at the Freeport of Riga rose 9% year-on-year in January-October, as rail links "
    "to Central Asia recovered and a new weekly feeder service connected the port with Rotterdam, the port "
    "authority said on Tuesday.",
    "The port handled 412,000 TEU in the first ten months, its best result since 2021. Bulk cargoes, however, "
    "continued to slide, falling 6% to 9.8 million tonnes as coal and grain transit dried up.",
    (
        "fig",
        "riga-port.svg",
        "Container cranes at the Riga port",
        "Container cranes at the Riga Container Terminal. Photo: Baltic Ledger / Ilze Kalnina",
    ),
    "\u201cWe are changing the structure of the port. Containers, ro-ro and project cargo are growing, and "
    "that is where we are investing,\u201d said Ansis Zeltins, chief executive of the Freeport of Riga "
    "Authority.",
    "The port plans to extend the quay at Kundzinsala by 350 metres and buy two new ship-to-shore cranes, a "
    "project worth about 48 million euros, of which 60% would come from EU funds.",
    "Latvian Transport Minister Karlis Ozols said the government would present a new freight strategy for "
    "the three main ports of Riga, Ventspils and Liepaja before the end of the year, including a plan to "
    "merge some of their marketing and IT systems.",
]
L3_BODY = [
    "Estonia opened a training centre for offshore wind technicians in Paldiski on Thursday, the largest of "
    "its kind in the Baltic states, as the region prepares for a wave of wind farm construction in the "
    "Gulf of Riga and the Baltic Sea.",
    "The 5,200-square-metre centre, built for 14 million euros, includes a 20-metre climbing tower, a wave "
    "pool for sea survival drills and a replica of a turbine nacelle. It can train up to 1,200 people a year.",
    "\u201cEvery offshore project needs hundreds of people who can work safely at height and at sea. Until now "
    "they had to go to Denmark or Germany to get certified,\u201d said Kadri Tamm, head of the Estonian "
    "Maritime Academy, which will run the centre.",
    "The Estonian and Latvian governments are jointly developing the ELWIND offshore project, which aims to "
    "install up to 1 gigawatt of capacity by the mid-2030s. Several private developers have also applied "
    "for seabed permits off the island of Hiiumaa.",
    "The centre\u2019s first course, for 24 technicians, starts in January. Tamm said about a third of the "
    "places had already been booked by companies from Finland and Lithuania.",
]
M3_BODY = [
    "RIVERTON \u2014 The Riverton school board on Monday approved a $48.2 million operating budget for next "
    "year that adds two bus routes on the east side and hires four reading specialists, while leaving the "
    "property tax levy nearly flat.",
    "The 6-1 vote followed more than two hours of public comment, most of it from parents asking the board "
    "to restore bus service for students who live within two miles of Riverton Middle School.",
    "\u201cMy son crosses four lanes of Route 9 to get to school. That is not a walk anyone should have to "
    "make in January,\u201d parent Alicia Gomez told the board.",
    "Superintendent Harold Nguyen said the two new routes will cost about $310,000 a year and will be paid "
    "for in part by closing an under-used wing of the Lakeview Annex.",
    "Board member Craig Sutter, the lone no vote, said the district was relying too heavily on one-time "
    "reserves. The budget draws $1.1 million from the district\u2019s fund balance.",
    "The levy will rise 0.8 percent, or about $14 a year on a home valued at $250,000, according to district "
    "estimates. The final levy must be certified to the county by Dec. 28.",
]
R4_BODY = [
    "The Riverton Public Library will open its main branch on Sundays starting in January, after more than "
    "2,300 residents signed a petition asking for weekend hours.",
    "The library board voted 5-0 on Tuesday night to keep the Oak Street building open from noon to 5 p.m. "
    "every Sunday, on a one-year trial basis. The change will cost about $86,000, mostly for staff overtime "
    "and security.",
    "Library Director Susan Achterberg said Sunday hours were the most common request in the library\u2019s "
    "last two user surveys. \u201cWe heard from nurses, from shift workers, from parents who spend every "
    "Saturday at soccer fields. Sunday is the only day they have,\u201d she said.",
    "The petition was started in August by Riverton High School junior Amara Okafor, who said she needed a "
    "quiet place to study on weekends. \u201cI honestly did not think anybody would read it,\u201d she said.",
    "The board will review visitor counts next fall before deciding whether to make the hours permanent. "
    "The branch library on Division Street will remain closed on Sundays.",
]

# --------------------------------------------------------------------------------------------------
# Closing paragraphs added to bring every article into the 250-600 word range
# --------------------------------------------------------------------------------------------------
T2_BODY += [
    "SKA, the 2015 and 2017 Gagarin Cup champions, have not won the KHL title since 2017. Head coach Igor "
    "Larionov\u2019s team lost in the conference final to Lokomotiv Yaroslavl last spring.",
]
B1_BODY += [
    "The minister also said Belarusian producers would take part in the international fertilizer exhibition "
    "in New Delhi in February, where they plan to present new grades of granulated potassium chloride.",
]
B2_BODY += [
    "The company plans to introduce similar express services on the Minsk-Gomel and Minsk-Vitebsk routes "
    "next year after the delivery of six more electric trains. Work is also underway to raise the maximum "
    "speed on several sections of the Minsk-Brest line to 160 km/h.",
]
S2_BODY += [
    "The city is also expanding its surface transport network. By 2028, Moscow plans to run more than 2,000 "
    "electric buses and to launch two new river tram routes along the Moskva River, Zorin said.",
]
T3_BODY += [
    "The previous conference, COP30 in the Brazilian city of Belem, also ended a day behind schedule after "
    "late-night talks on adaptation finance.",
]
E2_BODY += [
    "The forum ended with a memorandum between Indian freight forwarders and Kazakhstan Temir Zholy, the "
    "national railway, on a pilot block-train service from Aktau to Almaty and onward to Tashkent. The first "
    "trial run is planned for March, carrying Indian tea, textiles and auto parts.",
]
E3_BODY += [
    "The Chennai trial follows similar operations in Singapore and Rotterdam earlier this year. India\u2019s "
    "shipping ministry has said it wants at least three major ports to offer green fuels by 2030, and "
    "Kandla and Paradip are expected to run their own ammonia and methanol trials next year.",
    "Port officials said the bunker vessel used for the trial was chartered from a Norwegian operator, but "
    "that an Indian shipyard had been shortlisted to build two dedicated ammonia bunkering barges.",
]
L2_BODY += [
    "Freight forwarders welcomed the container growth but warned that road access to the port remains a "
    "bottleneck. Trucks queuing on Tvaika iela regularly back up into the city during the morning peak, and "
    "a long-promised northern bypass is still at the design stage.",
    "Ventspils and Liepaja are due to publish their ten-month results next week.",
]
L3_BODY += [
    "The project also has a local angle. Paldiski, a former Soviet naval base, has struggled with "
    "unemployment since its port lost most of its transit cargo. Mayor Tiit Moor said he hoped the centre "
    "would persuade young people to stay. \u201cFor the first time in years, we can offer them a career "
    "that has a future,\u201d he said.",
]
M3_BODY += [
    "The board also approved a plan to replace 11 of the district\u2019s oldest buses over the next three "
    "years, starting with four propane-powered vehicles next summer. Transportation director Lisa Carmody "
    "said the oldest bus in the fleet has more than 240,000 miles on it.",
]
R2_BODY += [
    "Some growers are hedging by booking part of next year\u2019s needs now. Kowalski said she and her "
    "brother locked in half of their potash order in October. \u201cIf prices drop in March, I\u2019ll feel "
    "dumb for about a week,\u201d she said. \u201cIf they go up, I\u2019ll sleep fine.\u201d",
]
R4_BODY += [
    "Okafor said she plans to be first in line on the opening Sunday, January 4. \u201cI already know which "
    "table I want,\u201d she said. \u201cSecond floor, by the window over the river.\u201d",
    "The library also plans to use the extra hours for a monthly Sunday family program, starting with a "
    "puppet show and a seed-swap for local gardeners in February.",
]
M3_BODY += [
    "Residents can review the full budget document at the district office on Elm Street or on the district "
    "website. The board meets next on Dec. 14.",
]
L2_BODY += [
    "The Freeport of Riga Authority will present its investment plan for 2027-2030 to the board in December.",
]
E3_BODY += [
    "Shipowners present at the trial said the main question now is price, not technology.",
]
B2_BODY += [
    "According to Sergei Novik, the timetable of the new express has been coordinated with suburban trains "
    "in Brest so that passengers can transfer easily.",
]
L3_BODY += [
    "The centre also plans evening courses in English and basic electrical safety for adults who want to "
    "retrain from other industries.",
]
R4_BODY += [
    "Achterberg said volunteers from the Friends of the Library group have offered to help staff the front "
    "desk during the trial.",
]
