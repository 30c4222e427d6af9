System.setProperty("ABLY_API_KEY", "k9QD3n.k9Q_qW:k9Q7xo01PCn2szkFE_LfZEthmLAneCHnf67V_Ge65K_");
