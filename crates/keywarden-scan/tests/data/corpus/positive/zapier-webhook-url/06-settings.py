token = "https://hooks.zapier.com/hooks/catch/7865371/np012bf"
