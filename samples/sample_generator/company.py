"""The fictional company whose customer service receives the sample inbox."""

COMPANY_NAME = "Trois Rivières Assurances & Énergie"
COMPANY_TAGLINE = "Assurance habitation et auto, électricité et gaz"
SERVICE_MAILBOX = "service.clients@trois-rivieres.example.com"
SERVICE_DISPLAY_NAME = "Service clients Trois Rivières"
# Where customers post their letters (a fictional business-reply address).
POSTAL_ADDRESS_LINES = ("Service Clients", "TSA 40210", "69901 Lyon Cedex 20")
