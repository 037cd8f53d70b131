"""English fragments of the labelled set: how customers of an insurer and energy supplier write."""

from sample_generator.phrasebook import CategoryPhrases, Phrasebook

_ADDRESS_CHANGE = CategoryPhrases(
    subjects=("Change of address", "Moving house", "New address", "Updating my details"),
    demands=(
        "I am writing to let you know that I have moved. My new address is {address}, from {day}.",
        "Please update my postal address to {address}.",
        "We moved house on {day}; could you send all correspondence to {address} from now on?",
        "I'd like to change the address on my policy {contract} to {address}.",
        "New address for my account: {address}.",
        "Your letters are still going to my old flat. I now live at {address}.",
        "Due to a job relocation I'm leaving the area. Please use {address} from {day}.",
        "My partner and I now live at {address}, please correct the correspondence address.",
    ),
    details=(
        "Nothing else changes on the contract.",
        "My phone number stays the same.",
        "Future bills should go to the new address.",
        "I can send proof of address if needed.",
        "I handed the keys of the old place back on {day}.",
        "Could you confirm once it's done?",
        "Some of your letters came back marked 'not known at this address'.",
    ),
    call_notes=(
        "{title} {name} has moved house, new address {address}, effective {day}. Asked us to "
        "update our records.",
        "Customer reports post returned to sender, wants the address changed to {address}.",
        "{title} {name} called to update correspondence and billing address to {address}. "
        "Done during the call.",
    ),
    form_topic="Update my details",
)

_CLAIM = CategoryPhrases(
    subjects=("Making a claim", "New claim", "Claim", "Incident on {day}", "Reporting damage"),
    demands=(
        "I need to report a claim: we had water damage at home on {day}.",
        "My car was hit in a car park on {day} and I'd like to open a claim.",
        "After the storm on {day} some roof tiles came off and rain is getting into the bedrooms.",
        "My e-bike was stolen from the locked bike store of our building on {day}.",
        "A small fire broke out in the kitchen on {day}; the fire brigade came out.",
        "The flat upstairs had a leak and my bathroom ceiling is damaged.",
        "A stone cracked my windscreen on the motorway on {day}.",
        "Our house was burgled while we were away, we found out on {day}.",
    ),
    details=(
        "I've attached photos of the damage and the accident report.",
        "I reported it to the police and have a crime reference number.",
        "Does an assessor need to visit before I get the repairs done?",
        "The builder quoted £{amount} for the repairs.",
        "Which documents do you need to settle the claim?",
        "The property is insured with you under policy {contract}.",
        "The living room carpet and sofa will have to be replaced.",
        "I sent the claim form last week and the assessor still hasn't been in touch.",
    ),
    call_notes=(
        "{title} {name} reporting an escape of water on {day}, policy {contract}. Will email "
        "photos; assessor to be booked.",
        "Motor claim by phone: minor collision on {day}, third party details taken.",
        "{title} {name} reports a break-in on {day}. Police report done, list of stolen items "
        "to follow.",
    ),
    form_topic="Make a claim",
)

_CANCELLATION = CategoryPhrases(
    subjects=("Cancellation", "Cancel my policy", "Ending my contract", "Notice - {contract}"),
    demands=(
        "I would like to cancel my policy {contract} at the renewal date.",
        "Please take this as formal notice that I am terminating my {product} contract {contract}.",
        "I sold my car on {day}, so please cancel the motor insurance.",
        "I want to end my {product} contract from {day}.",
        "Please close my account, I am moving abroad.",
        "I'd like to stop my {product} contract, I found a cheaper deal elsewhere.",
        "I'm writing to terminate contract {contract}; it has been running for more than a year.",
        "Following my mother's death, I need to close her contract {contract}.",
    ),
    details=(
        "Please confirm the end date in writing.",
        "Please stop the direct debits after the final payment.",
        "Completion of the house sale was on {day}.",
        "The final meter reading is {reading} kWh.",
        "Let me know if I need to send any equipment back.",
        "I'm keeping my other policies with you.",
        "Any overpayment should be refunded to my account.",
    ),
    call_notes=(
        "{title} {name} wants to cancel {contract} (property sold). Asked for written "
        "confirmation.",
        "Customer wants to cancel {product} at renewal, reason: price. Retention offer declined.",
        "{title} {name} calling to close a deceased relative's account, death certificate to "
        "follow.",
    ),
    form_topic="Cancel a contract",
)

_BILLING = CategoryPhrases(
    subjects=("Bill {invoice}", "Query about my bill", "Disputed invoice", "My bill"),
    demands=(
        "I don't understand the amount on my latest bill {invoice}: £{amount}, when I usually "
        "pay far less.",
        "Could you explain the 'adjustment' line on bill {invoice}?",
        "My bill is based on an estimated reading, but I sent you my meter reading on {day}.",
        "I've been charged twice for the same month.",
        "The rate on my bill doesn't match the one in my contract {contract}.",
        "I dispute invoice {invoice}: the premium went up and nobody told me.",
        "Please send me a breakdown of how my annual premium is worked out.",
        "My instalment has doubled since {day}, is this a mistake?",
    ),
    details=(
        "I've paid by monthly direct debit for years.",
        "The actual reading is {reading} kWh.",
        "Please correct it and send me a revised bill.",
        "I've attached a copy of the bill with the figures highlighted.",
        "The previous bill came to £{amount}.",
        "I haven't changed anything on my contract.",
    ),
    call_notes=(
        "{title} {name} disputes bill {invoice} (£{amount}), believes the meter reading is wrong.",
        "Customer doesn't understand the annual adjustment, partly explained, call back needed.",
        "{title} {name} reports being billed twice this month, contract {contract}.",
    ),
    form_topic="Question about a bill",
)

_DOCUMENT_REQUEST = CategoryPhrases(
    subjects=(
        "Documents needed",
        "Paperwork request",
        "Request for documents",
        "Copy needed",
    ),
    demands=(
        "Could you send me a certificate of insurance for my new tenancy?",
        "I need a no-claims discount statement for my car policy {contract}.",
        "Please send me a copy of my policy terms and schedule.",
        "My employer is asking for proof of public liability cover.",
        "I can't download my payment schedule from the online account, could you email it?",
        "Could I have a duplicate of bill {invoice}?",
        "I need proof of insurance for my children's school trip.",
        "I'd like a statement of everything I paid last year for my tax return.",
    ),
    details=(
        "It's fairly urgent, the letting agent needs it before {day}.",
        "Email is fine.",
        "My policy number is {contract}.",
        "I lost the paper copy when we moved.",
        "It needs to show both my wife's name and mine.",
        "Thanks in advance.",
    ),
    call_notes=(
        "{title} {name} needs an insurance certificate for the landlord, to be emailed.",
        "Request for a no-claims statement (switching motor insurer), policy {contract}.",
        "{title} {name} asked for a copy of the policy schedule.",
    ),
    form_topic="Request a document",
)

_COMPLAINT = CategoryPhrases(
    subjects=("Complaint", "Very disappointed", "Still no answer", "Formal complaint"),
    demands=(
        "I am very unhappy with how my case has been handled: I've been waiting three weeks "
        "for an answer.",
        "The engineer was due on {day} and nobody turned up or even called.",
        "This is the third time I've called and every time I'm told something different.",
        "Your advisor was rude to me on the phone, which is unacceptable.",
        "I want to make a formal complaint about how my claim has been managed.",
        "I never received the refund I was promised and nobody answers my emails.",
        "I was promised a call back within 48 hours and I'm still waiting.",
        "If I don't hear back within eight days I will take this to the ombudsman.",
    ),
    details=(
        "I've been a customer for over fifteen years and have never been treated like this.",
        "I took a day off work for nothing.",
        "I expect some form of compensation.",
        "I want to speak to a manager.",
        "This is about contract {contract}.",
        "I'm seriously thinking about switching providers.",
    ),
    call_notes=(
        "{title} {name} very unhappy: engineer missed the appointment on {day}. Wants "
        "compensation, escalated to team leader.",
        "Complaint: customer chasing for the 3rd time with no reply, upset. Threatening to go "
        "to the ombudsman.",
        "{title} {name} unhappy with the way they were spoken to in branch, wants a written reply.",
    ),
    form_topic="Make a complaint",
)

_CONTRACT_CHANGE = CategoryPhrases(
    subjects=(
        "Change to my policy",
        "Change to policy {contract}",
        "Amending my cover",
        "Policy amendment",
    ),
    demands=(
        "I'd like to add my son as a named driver on car policy {contract}.",
        "We've built a conservatory, so the insured floor area needs increasing.",
        "I want to upgrade my car cover to comprehensive.",
        "Could you increase my meter capacity to 9 kVA?",
        "I'm changing cars on {day}: please move the insurance to the new vehicle.",
        "I'd like to add breakdown cover to my policy.",
        "Please remove the glass cover from my policy {contract}.",
        "We got married, please add my wife as joint policyholder.",
    ),
    details=(
        "Could you tell me the new premium?",
        "The change should start on {day}.",
        "I'll send the registration document for the new car.",
        "Everything else on the policy stays the same.",
        "Please send me the amendment to sign.",
        "He passed his driving test on {day}.",
    ),
    call_notes=(
        "{title} {name} wants to add a named driver to {contract} from {day}. Quote for the "
        "change sent.",
        "Change of vehicle, registration document to follow. Policy {contract} to be updated.",
        "{title} {name} asks to upgrade to the higher cover level, new price given.",
    ),
    form_topic="Change my contract",
)

_PAYMENT_ISSUE = CategoryPhrases(
    subjects=("Payment problem", "Payment", "Direct debit", "Paying what I owe"),
    demands=(
        "My direct debit on {day} was returned by my bank, how do I sort it out?",
        "I've switched banks; please use my new bank details for the direct debit.",
        "I'm going through a hard time and would like a payment plan for the £{amount} arrears.",
        "I got a reminder letter but I paid by bank transfer on {day}.",
        "Card payment on your website doesn't work, my card keeps being declined.",
        "You took the monthly payment twice this month and now I'm overdrawn.",
        "Could you move my payment date to the 10th, after payday?",
        "I received a final notice for £{amount} unpaid that I don't understand.",
    ),
    details=(
        "I don't want my policy to be suspended.",
        "My bank is charging me for the returned payment.",
        "I can afford £{amount} a month.",
        "I've attached proof of the transfer.",
        "Please don't pass this to a debt collector.",
        "I'll send the new bank details separately.",
    ),
    call_notes=(
        "{title} {name} reports a returned direct debit on {day}, new mandate to be sent.",
        "Payment plan requested for £{amount} arrears, 3 instalments agreed subject to approval.",
        "{title} {name} received a reminder but says they paid by transfer; proof of payment "
        "to follow.",
    ),
    form_topic="Payment problem",
)

ENGLISH = Phrasebook(
    language="en",
    categories={
        "address_change": _ADDRESS_CHANGE,
        "claim": _CLAIM,
        "cancellation": _CANCELLATION,
        "billing": _BILLING,
        "document_request": _DOCUMENT_REQUEST,
        "complaint": _COMPLAINT,
        "contract_change": _CONTRACT_CHANGE,
        "payment_issue": _PAYMENT_ISSUE,
    },
    greetings=("Hello,", "Dear Sir or Madam,", "Hi,", "Good morning,", "Dear customer services,"),
    closings=("Kind regards,", "Best wishes,", "Thanks,", "Many thanks,", "Regards,"),
    letter_openings=("Dear Sir or Madam,", "Dear Sir/Madam,", "To whom it may concern,"),
    letter_closings=("Yours faithfully,", "Yours sincerely,", "I look forward to your reply."),
    generic_subjects=(
        "Enquiry",
        "My policy {contract}",
        "Account {customer}",
        "Question",
        "Re: your letter",
        "Urgent",
        "",
    ),
    shared_remarks=(
        "I've been with you for several years.",
        "My customer number is {customer}.",
        "You can reach me on {phone}.",
        "I'd appreciate a quick reply.",
        "Happy to provide anything else you need.",
        "I already wrote to you about this last month and heard nothing.",
    ),
    signature_lines=("Customer no. {customer}", "Tel: {phone}", "Policy {contract}"),
    call_openings=("Inbound call.", "Call from {title} {name}.", "Customer {customer} rang:", ""),
    call_followups=(
        "Call back booked within 48h.",
        "Confirmation email sent.",
        "Passed to the relevant team.",
        "",
    ),
    chat_openings=("hi", "Hello", "hiya", "Hi, quick question:", ""),
    form_other_topic="Something else",
    form_labels=("Customer number:", "Your message:"),
    titles=("Mrs", "Mr"),
    women_first_names=(
        "Abigail",
        "Isla",
        "Emma",
        "Jessica",
        "Megan",
        "Olivia",
        "Amelia",
        "Zoe",
    ),
    men_first_names=(
        "Adam",
        "Ben",
        "Callum",
        "Ethan",
        "Harry",
        "Jack",
        "Liam",
        "Ryan",
    ),
    last_names=(
        "Atkinson",
        "Bailey",
        "Chapman",
        "Dixon",
        "Fisher",
        "Gibson",
        "Hudson",
        "Jenkins",
        "Kelly",
        "Marshall",
        "Newton",
        "Owen",
        "Parker",
        "Robertson",
        "Stevens",
        "Wood",
    ),
    months=(
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ),
    products=("home", "car", "electricity", "gas", "motorbike", "contents"),
    streets=(
        "Albert Road",
        "Beech Grove",
        "Castle Street",
        "Kings Avenue",
        "Meadow Way",
        "Chapel Lane",
        "Elm Crescent",
        "Riverside Walk",
    ),
    towns=(
        ("Leeds", "LS6 2AB"),
        ("Norwich", "NR2 3HT"),
        ("Cardiff", "CF10 1EP"),
        ("Bath", "BA1 5LR"),
        ("Exeter", "EX4 4QJ"),
        ("Oxford", "OX4 1DA"),
        ("Derby", "DE1 3AA"),
        ("Hull", "HU5 2RT"),
    ),
    town_format="{city} {postcode}",
    letter_date="{date}",
    subject_label="Subject: ",
    reference_label="Policy number: {contract}",
    shorthands=(
        ("please", "pls"),
        ("thanks", "thx"),
        ("you", "u"),
        ("tomorrow", "tmrw"),
        ("because", "cos"),
        ("message", "msg"),
    ),
)
