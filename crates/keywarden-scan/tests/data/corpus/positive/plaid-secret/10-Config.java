System.setProperty("PLAID_SECRET", "6467b56677fd7815e6b1ed3cd58c01");
